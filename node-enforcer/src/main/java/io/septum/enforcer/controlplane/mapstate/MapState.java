package io.septum.enforcer.controlplane.mapstate;

import io.septum.model.policy.Direction;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The complete policy state of one endpoint: every key the datapath must find, with its entry. Held packed
 * ({@link PackedEntries}: two primitive arrays, no object per entry) and immutable; {@link #entries()} is a
 * read-only map view that decodes keys and entries as they are read.
 */
public final class MapState {

    private final PackedEntries packed;
    private final Map<PolicyKey, PolicyEntry> view = new View();

    private MapState(PackedEntries packed) {
        this.packed = packed;
    }

    public static MapState of(Map<PolicyKey, PolicyEntry> entries) {
        PackedEntries packed = new PackedEntries(entries.size());
        entries.forEach((key, entry) -> packed.merge(PackedEntries.key(key), PackedEntries.entry(entry)));
        return new MapState(packed);
    }

    /** A builder for about {@code expected} entries (a hint: it grows as needed). */
    public static Builder builder(int expected) {
        return new Builder(expected);
    }

    /** Collects an endpoint's entries, merging those of the same key; used once, by one thread. */
    public static final class Builder {
        private final PackedEntries packed;

        private Builder(int expected) {
            packed = new PackedEntries(expected);
        }

        /**
         * Adds an entry; on a key that has one, a deny wins over an allow, and between equal verdicts the smaller
         * rule number stays, so the result does not depend on the order of rules. The key's fields must be valid
         * as {@link PolicyKey} checks them (callers check a rule's protocol/port prefixes once, not per identity).
         */
        public void merge(int identity, Direction direction, int protocol, int port, int prefixBits, PolicyEntry entry) {
            packed.merge(PackedEntries.key(identity, direction, protocol, port, prefixBits), PackedEntries.entry(entry));
        }

        public void merge(PolicyKey key, PolicyEntry entry) {
            packed.merge(PackedEntries.key(key), PackedEntries.entry(entry));
        }

        /**
         * Drops the allow entries that a deny of the same identity and direction covers, so the datapath's
         * longest-prefix match never lets them shadow it.
         */
        public void dropAllowsCoveredByDenies() {
            long[] denies = packed.denyKeys();
            if (denies.length == 0) {
                return;
            }
            // Sorted, a scope's denies are one run (the scope is a key's high bits): an allow in a scope with denies
            // searches only its own run; most allows have none, which one lookup in the set of deny scopes tells.
            Arrays.sort(denies);
            PackedEntries denyScopes = new PackedEntries(denies.length);
            for (long deny : denies) {
                denyScopes.merge(PackedEntries.scope(deny), 0);
            }
            packed.removeAllows(allow -> {
                long scope = PackedEntries.scope(allow);
                if (denyScopes.get(scope) == PackedEntries.EMPTY) {
                    return false;
                }
                int i = Arrays.binarySearch(denies, scope << PackedEntries.SCOPE_SHIFT);
                for (i = i >= 0 ? i : -i - 1; i < denies.length && PackedEntries.scope(denies[i]) == scope; i++) {
                    if (PackedEntries.covers(denies[i], allow)) {
                        return true;
                    }
                }
                return false;
            });
        }

        /** The state; the builder must not be used afterwards. */
        public MapState build() {
            packed.trim();
            return new MapState(packed);
        }
    }

    /** The entries, decoded as they are read: a read-only map (equal to any map with the same entries). */
    public Map<PolicyKey, PolicyEntry> entries() {
        return view;
    }

    public int size() {
        return packed.size();
    }

    /** Writes needed to go from {@code realized} to this state. */
    public MapStateDiff diffFrom(Map<PolicyKey, PolicyEntry> realized) {
        Map<PolicyKey, PolicyEntry> puts = new HashMap<>();
        int[] kept = {0};
        packed.forEach((key, entry) -> {
            PolicyKey decoded = PackedEntries.unpackKey(key);
            PolicyEntry have = realized.get(decoded);
            if (have != null) {
                kept[0]++;
            }
            if (have == null || PackedEntries.entry(have) != entry) {
                puts.put(decoded, PackedEntries.unpackEntry(entry));
            }
        });
        if (kept[0] == realized.size()) {
            return new MapStateDiff(puts, Set.of()); // every realized key is still desired: nothing to delete
        }
        Set<PolicyKey> deletes = new HashSet<>();
        for (PolicyKey key : realized.keySet()) {
            if (packed.get(PackedEntries.key(key)) == PackedEntries.EMPTY) {
                deletes.add(key);
            }
        }
        return new MapStateDiff(puts, deletes);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(entries()).forEach((k, v) -> out.append(k).append(v.deny() ? " DENY" : " ALLOW").append('\n'));
        return out.toString();
    }

    /** Read-only view over the packed entries. */
    private final class View extends AbstractMap<PolicyKey, PolicyEntry> {

        @Override
        public int size() {
            return packed.size();
        }

        @Override
        public PolicyEntry get(Object key) {
            if (!(key instanceof PolicyKey policyKey)) {
                return null;
            }
            long entry = packed.get(PackedEntries.key(policyKey));
            return entry == PackedEntries.EMPTY ? null : PackedEntries.unpackEntry(entry);
        }

        @Override
        public boolean containsKey(Object key) {
            return get(key) != null;
        }

        @Override
        public Set<Entry<PolicyKey, PolicyEntry>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public int size() {
                    return packed.size();
                }

                @Override
                public java.util.Iterator<Entry<PolicyKey, PolicyEntry>> iterator() {
                    return packed.iterator();
                }
            };
        }
    }
}
