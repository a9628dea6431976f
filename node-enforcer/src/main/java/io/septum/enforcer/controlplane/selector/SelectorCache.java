package io.septum.enforcer.controlplane.selector;

import io.septum.model.labels.EndpointSelector;
import io.septum.model.labels.Label;
import io.septum.model.labels.Labels;
import io.septum.model.labels.SelectorOperator;
import io.septum.model.labels.SelectorRequirement;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which identities each selector in use selects, kept up to date incrementally: an identity change tests
 * that identity against every selector (not every identity against every selector), and a selector is
 * evaluated against all identities once, when first used. Selectors are reference-counted by the
 * policies that use them. Not thread-safe: owned by the enforcer's single reconciliation thread.
 */
public final class SelectorCache {

    private final Map<Integer, Labels> identities = new HashMap<>();
    private final Map<EndpointSelector, Selection> selections = new HashMap<>();
    /**
     * Identities by plain label key (any source) and value. A new selector with an In requirement is evaluated
     * only against the identities having one of its values under that key, a superset of what it selects.
     */
    private final Map<String, Map<String, Set<Integer>>> byLabel = new HashMap<>();

    private static final class Selection {
        final Set<Integer> selected = new HashSet<>();
        int users;
    }

    /** Starts tracking {@code selector} (or counts one more user of it). */
    public void register(EndpointSelector selector) {
        Selection selection = selections.get(selector);
        if (selection == null) {
            selection = new Selection();
            for (int id : candidates(selector)) {
                if (selector.matches(identities.get(id))) {
                    selection.selected.add(id);
                }
            }
            selections.put(selector, selection);
        }
        selection.users++;
    }

    /** The identities that can match {@code selector}: those of its narrowest In requirement, else all. */
    private Collection<Integer> candidates(EndpointSelector selector) {
        SelectorRequirement narrowest = null;
        int fewest = identities.size();
        for (SelectorRequirement requirement : selector.requirements()) {
            if (requirement.operator() != SelectorOperator.In) {
                continue;
            }
            Map<String, Set<Integer>> values = byLabel.getOrDefault(plainKey(requirement.key()), Map.of());
            int count = 0;
            for (String value : requirement.values()) {
                count += values.getOrDefault(value, Set.of()).size();
            }
            if (count < fewest) {
                fewest = count;
                narrowest = requirement;
            }
        }
        if (narrowest == null) {
            return identities.keySet();
        }
        // Only the narrowest requirement's identities are copied (a selector often has a wide one beside it).
        Map<String, Set<Integer>> values = byLabel.getOrDefault(plainKey(narrowest.key()), Map.of());
        List<Integer> ids = new ArrayList<>(fewest);
        for (String value : narrowest.values()) {
            ids.addAll(values.getOrDefault(value, Set.of()));
        }
        return ids;
    }

    private static String plainKey(String selectorKey) {
        return selectorKey.substring(selectorKey.indexOf(':') + 1);
    }

    private void index(int id, Labels labels, boolean add) {
        for (Label label : labels.all()) {
            Map<String, Set<Integer>> values = byLabel.computeIfAbsent(label.key(), k -> new HashMap<>());
            if (add) {
                values.computeIfAbsent(label.value(), v -> new HashSet<>()).add(id);
            } else {
                Set<Integer> ids = values.get(label.value());
                if (ids != null && ids.remove(id) && ids.isEmpty()) {
                    values.remove(label.value());
                    if (values.isEmpty()) {
                        byLabel.remove(label.key());
                    }
                }
            }
        }
    }

    public void unregister(EndpointSelector selector) {
        Selection selection = selections.get(selector);
        if (selection != null && --selection.users == 0) {
            selections.remove(selector);
        }
    }

    /** Adds or replaces an identity; returns the tracked selectors whose selection changed. */
    public Set<EndpointSelector> upsertIdentity(int id, Labels labels) {
        Labels previous = identities.put(id, labels);
        if (labels.equals(previous)) {
            return Set.of();
        }
        if (previous != null) {
            index(id, previous, false);
        }
        index(id, labels, true);
        Set<EndpointSelector> changed = new HashSet<>();
        for (var entry : selections.entrySet()) {
            boolean matches = entry.getKey().matches(labels);
            if (matches ? entry.getValue().selected.add(id) : entry.getValue().selected.remove(id)) {
                changed.add(entry.getKey());
            }
        }
        return changed;
    }

    /** Removes an identity; returns the tracked selectors whose selection changed. */
    public Set<EndpointSelector> removeIdentity(int id) {
        Labels previous = identities.remove(id);
        if (previous == null) {
            return Set.of();
        }
        index(id, previous, false);
        Set<EndpointSelector> changed = new HashSet<>();
        for (var entry : selections.entrySet()) {
            if (entry.getValue().selected.remove(id)) {
                changed.add(entry.getKey());
            }
        }
        return changed;
    }

    /** The identities {@code selector} selects; the selector must be registered. */
    public Set<Integer> selected(EndpointSelector selector) {
        Selection selection = selections.get(selector);
        if (selection == null) {
            throw new IllegalStateException("selector not registered: " + selector);
        }
        return Collections.unmodifiableSet(selection.selected);
    }

    public Labels labels(int id) {
        return identities.get(id);
    }

    public int identityCount() {
        return identities.size();
    }

    public int selectorCount() {
        return selections.size();
    }
}
