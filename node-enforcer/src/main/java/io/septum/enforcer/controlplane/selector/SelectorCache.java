package io.septum.enforcer.controlplane.selector;

import io.septum.model.labels.EndpointSelector;
import io.septum.model.labels.Labels;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
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

    private static final class Selection {
        final Set<Integer> selected = new HashSet<>();
        int users;
    }

    /** Starts tracking {@code selector} (or counts one more user of it). */
    public void register(EndpointSelector selector) {
        Selection selection = selections.get(selector);
        if (selection == null) {
            selection = new Selection();
            for (var identity : identities.entrySet()) {
                if (selector.matches(identity.getValue())) {
                    selection.selected.add(identity.getKey());
                }
            }
            selections.put(selector, selection);
        }
        selection.users++;
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
        if (identities.remove(id) == null) {
            return Set.of();
        }
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
