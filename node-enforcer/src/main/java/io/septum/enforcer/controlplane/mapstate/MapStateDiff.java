package io.septum.enforcer.controlplane.mapstate;

import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * The writes that turn an endpoint's realized map state into its desired one. Writers apply the puts
 * before the deletes: in between, a packet sees the union of old and new state, never less than either.
 *
 * <p>Read-only views of the collections it is given, not copies: its maker ({@link MapState#diffFrom}) builds them for
 * it and keeps no reference. Every endpoint a pass recomputes makes one, on every node, so copies were a large part of
 * an enforcer's allocation per policy change.
 */
public record MapStateDiff(Map<PolicyKey, PolicyEntry> puts, Set<PolicyKey> deletes) {

    public MapStateDiff {
        puts = Collections.unmodifiableMap(puts);
        deletes = Collections.unmodifiableSet(deletes);
    }

    public boolean isEmpty() {
        return puts.isEmpty() && deletes.isEmpty();
    }

    /**
     * True when the change can take away access, so open connections must be checked again
     * (the datapath re-checks connections whose epoch is older than the endpoint's).
     */
    public boolean narrows(Map<PolicyKey, PolicyEntry> realized) {
        if (!deletes.isEmpty()) {
            return true;
        }
        for (var put : puts.entrySet()) {
            PolicyEntry before = realized.get(put.getKey());
            if (put.getValue().deny() && (before == null || !before.deny())) {
                return true;
            }
        }
        return false;
    }
}
