package io.septum.model.labels;

import java.util.List;
import java.util.Objects;

/**
 * One requirement of an {@link EndpointSelector}, over a qualified label key ({@code source:key}, or
 * {@code any:key} for any source), with Kubernetes semantics: NotIn and DoesNotExist match when the key is absent.
 */
public record SelectorRequirement(String key, SelectorOperator operator, List<String> values) implements Comparable<SelectorRequirement> {

    public SelectorRequirement {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(operator, "operator");
        values = values == null ? List.of() : values.stream().sorted().distinct().toList();
        if (operator.takesValues() == values.isEmpty()) {
            throw new IllegalArgumentException("selector requirement on " + key + ": operator " + operator
                    + (operator.takesValues() ? " needs at least one value" : " takes no values"));
        }
    }

    public static SelectorRequirement equalTo(String key, String value) {
        return new SelectorRequirement(key, SelectorOperator.In, List.of(value));
    }

    public static SelectorRequirement exists(String key) {
        return new SelectorRequirement(key, SelectorOperator.Exists, List.of());
    }

    public boolean matches(Labels labels) {
        var value = labels.valueForSelectorKey(key);
        return switch (operator) {
            case In -> value.isPresent() && values.contains(value.get());
            case NotIn -> value.isEmpty() || !values.contains(value.get());
            case Exists -> value.isPresent();
            case DoesNotExist -> value.isEmpty();
        };
    }

    @Override
    public int compareTo(SelectorRequirement o) {
        int c = key.compareTo(o.key);
        if (c != 0) return c;
        c = operator.compareTo(o.operator);
        return c != 0 ? c : String.join(",", values).compareTo(String.join(",", o.values));
    }

    @Override
    public String toString() {
        return switch (operator) {
            case In -> values.size() == 1 ? key + "=" + values.getFirst() : key + " in (" + String.join(",", values) + ")";
            case NotIn -> key + " notin (" + String.join(",", values) + ")";
            case Exists -> key;
            case DoesNotExist -> "!" + key;
        };
    }
}
