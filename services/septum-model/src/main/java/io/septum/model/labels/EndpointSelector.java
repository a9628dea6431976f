package io.septum.model.labels;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Selects identities by their labels: all requirements must hold (an empty selector selects everything).
 * Requirements are kept sorted and distinct, so equal selectors compare equal and share one entry in a
 * selector cache.
 */
public record EndpointSelector(List<SelectorRequirement> requirements) {

    public static final EndpointSelector ALL = new EndpointSelector(List.of());

    public EndpointSelector {
        requirements = requirements.stream().sorted().distinct().toList();
    }

    public static EndpointSelector of(SelectorRequirement... requirements) {
        return new EndpointSelector(List.of(requirements));
    }

    public boolean matches(Labels labels) {
        for (SelectorRequirement requirement : requirements) {
            if (!requirement.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    public EndpointSelector and(Collection<SelectorRequirement> more) {
        List<SelectorRequirement> all = new ArrayList<>(requirements);
        all.addAll(more);
        return new EndpointSelector(all);
    }

    public EndpointSelector and(EndpointSelector other) {
        return and(other.requirements);
    }

    @Override
    public String toString() {
        return requirements.isEmpty() ? "{}" : String.join(",", requirements.stream().map(Object::toString).toList());
    }
}
