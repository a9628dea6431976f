package io.septum.enforcer.controlplane.cluster;

import io.septum.model.identity.NumericIdentity;
import io.septum.model.net.Ipv4Cidr;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Node-local identities for the prefixes that policies name: every ipBlock cidr and every except, 0.0.0.0/0
 * included. The datapath finds the longest of these prefixes containing a peer's address (beside, not instead
 * of, the peer's ipcache identity). Since every block and every except is one of the prefixes, and prefixes
 * that share an address are nested, an address is in a block and outside its excepts exactly when its longest
 * prefix is: so a block stands for the identities of the prefixes inside it and outside its excepts.
 *
 * <p>Identities are {@link NumericIdentity#LOCAL_FLAG} | n. A prefix keeps its identity while any policy names
 * it. Numbers are handed out in increasing order, not reused right away, so an identity that just left the
 * maps cannot come back meaning another prefix while old policy entries still name it; a restarted enforcer
 * {@link #restore restores} the numbers its pinned maps hold, so that an unchanged state resolves to the very
 * entries already in the maps.
 */
public final class CidrIdentities {

    private static final int LAST = NumericIdentity.LOCAL_FLAG - 1;

    private final TreeMap<Ipv4Cidr, Integer> ids = new TreeMap<>();
    private final Set<Integer> inUse = new HashSet<>();
    private final Map<Ipv4Cidr, Integer> restored = new HashMap<>();
    private final Set<Integer> restoredIds = new HashSet<>();
    private int next = 1;

    /**
     * Takes the assignments a previous process left in the pinned maps: a prefix that policies name again gets
     * its old identity back. Call before any policy arrives.
     */
    public void restore(Map<Ipv4Cidr, Integer> pinned) {
        pinned.forEach((cidr, id) -> {
            if (!NumericIdentity.of(id).isNodeLocal()) {
                throw new IllegalArgumentException("pinned prefix " + cidr + " has identity " + id + ", not a node-local one");
            }
            restored.put(cidr, id);
            restoredIds.add(id);
            next = Math.max(next, (id & LAST) + 1);
        });
        if (next > LAST) {
            next = 1;
        }
    }

    /** Drops the restored assignments no policy claimed (after the first complete reconciliation). */
    public void forgetRestored() {
        restored.clear();
        restoredIds.clear();
    }

    /** Keeps identities for exactly {@code wanted}; returns true if the set of prefixes changed. */
    boolean retain(Set<Ipv4Cidr> wanted) {
        boolean changed = ids.entrySet().removeIf(e -> {
            if (!wanted.contains(e.getKey())) {
                inUse.remove(e.getValue());
                return true;
            }
            return false;
        });
        for (Ipv4Cidr cidr : wanted) {
            if (!ids.containsKey(cidr)) {
                int id = allocate(cidr);
                ids.put(cidr, id);
                inUse.add(id);
                changed = true;
            }
        }
        return changed;
    }

    private int allocate(Ipv4Cidr cidr) {
        Integer old = restored.remove(cidr);
        if (old != null && !inUse.contains(old)) {
            restoredIds.remove(old);
            return old;
        }
        for (int tries = 0; tries < LAST; tries++) {
            int id = NumericIdentity.LOCAL_FLAG | next;
            next = next == LAST ? 1 : next + 1;
            if (!inUse.contains(id) && !restoredIds.contains(id)) {
                return id;
            }
        }
        throw new IllegalStateException("allocate a CIDR identity for " + cidr + ": all " + LAST + " node-local identities are in use");
    }

    /** Prefix → node-local identity, for the datapath's prefixes map. */
    public Map<Ipv4Cidr, Integer> prefixes() {
        return Collections.unmodifiableMap(ids);
    }

    /** The identities standing for addresses in {@code block} and in none of {@code except}. */
    Set<Integer> identitiesWithin(Ipv4Cidr block, List<Ipv4Cidr> except) {
        Set<Integer> out = new HashSet<>();
        // Prefixes inside the block sort between its first and its last address.
        Ipv4Cidr last = new Ipv4Cidr(block.address() | ~Ipv4Cidr.mask(block.length()), 32);
        for (var entry : ids.subMap(block, true, last, true).entrySet()) {
            Ipv4Cidr prefix = entry.getKey();
            if (block.contains(prefix) && except.stream().noneMatch(e -> e.contains(prefix))) {
                out.add(entry.getValue());
            }
        }
        return out;
    }
}
