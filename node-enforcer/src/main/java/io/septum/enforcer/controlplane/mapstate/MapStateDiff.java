package io.septum.enforcer.controlplane.mapstate;

import java.util.Map;
import java.util.Set;

/**
 * The writes that turn an endpoint's realized map state into its desired one. Writers apply the puts
 * before the deletes: in between, a packet sees the union of old and new state, never less than either.
 */
public record MapStateDiff(Map<PolicyKey, PolicyEntry> puts, Set<PolicyKey> deletes) {

    public MapStateDiff {
        puts = Map.copyOf(puts);
        deletes = Set.copyOf(deletes);
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
