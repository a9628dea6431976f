package io.septum.enforcer.controlplane.mapstate;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The complete policy state of one endpoint: every key the datapath must find, with its entry. */
public final class MapState {

    private final Map<PolicyKey, PolicyEntry> entries;

    private MapState(Map<PolicyKey, PolicyEntry> entries) {
        this.entries = entries;
    }

    public static MapState of(Map<PolicyKey, PolicyEntry> entries) {
        return new MapState(Collections.unmodifiableMap(new HashMap<>(entries)));
    }

    /** A state over {@code entries} without copying them: the caller hands them over and never changes them again. */
    public static MapState adopt(Map<PolicyKey, PolicyEntry> entries) {
        return new MapState(Collections.unmodifiableMap(entries));
    }

    public Map<PolicyKey, PolicyEntry> entries() {
        return entries;
    }

    public int size() {
        return entries.size();
    }

    /** Writes needed to go from {@code realized} to this state. */
    public MapStateDiff diffFrom(Map<PolicyKey, PolicyEntry> realized) {
        Map<PolicyKey, PolicyEntry> puts = new HashMap<>();
        entries.forEach((key, entry) -> {
            if (!entry.equals(realized.get(key))) {
                puts.put(key, entry);
            }
        });
        Set<PolicyKey> deletes = new HashSet<>();
        for (PolicyKey key : realized.keySet()) {
            if (!entries.containsKey(key)) {
                deletes.add(key);
            }
        }
        return new MapStateDiff(puts, deletes);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(entries).forEach((k, v) -> out.append(k).append(v.deny() ? " DENY" : " ALLOW").append('\n'));
        return out.toString();
    }
}
