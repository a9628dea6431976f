package io.septum.enforcer.controlplane.cluster;

import io.septum.enforcer.controlplane.selector.SelectorCache;
import io.septum.model.identity.ReservedIdentity;
import io.septum.model.kv.IpcacheRecord;
import io.septum.model.kv.NamedPort;
import io.septum.model.labels.Labels;
import io.septum.model.net.Ipv4Cidr;
import io.septum.model.policy.PolicyRef;
import io.septum.model.policy.rules.Peer;
import io.septum.model.policy.rules.PolicyRule;
import io.septum.model.policy.rules.PolicyRules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An enforcer's view of the cluster, fed from the identities, ipcache and policies buckets: identities
 * with their labels (in a {@link SelectorCache}), every address with its identity, every policy as rules,
 * and the node-local identities of the CIDRs that policies name. Owned by one thread.
 */
public final class ClusterState {

    private final SelectorCache selectors = new SelectorCache();
    private final Map<String, IpcacheRecord> ipcache = new HashMap<>();
    private final Map<PolicyRef, PolicyRules> policies = new TreeMap<>();
    private final CidrIdentities cidrIdentities = new CidrIdentities();

    public SelectorCache selectors() {
        return selectors;
    }

    public CidrIdentities cidrIdentities() {
        return cidrIdentities;
    }

    // --- identities ---

    public boolean upsertIdentity(int id, Labels labels) {
        return selectors.upsertIdentity(id, labels);
    }

    public boolean removeIdentity(int id) {
        return selectors.removeIdentity(id);
    }

    // --- ipcache ---

    public void upsertIpcache(IpcacheRecord record) {
        ipcache.put(record.prefix(), record);
    }

    public void removeIpcache(String prefix) {
        ipcache.remove(prefix);
    }

    public Optional<IpcacheRecord> ipcacheEntry(String prefix) {
        return Optional.ofNullable(ipcache.get(prefix));
    }

    public Collection<IpcacheRecord> ipcacheEntries() {
        return ipcache.values();
    }

    /** Named ports of every pod with {@code identity}: egress rules with a port name resolve against these. */
    public List<NamedPort> namedPortsOf(int identity) {
        List<NamedPort> out = new ArrayList<>();
        for (IpcacheRecord record : ipcache.values()) {
            if (record.identity() == identity) {
                out.addAll(record.namedPorts());
            }
        }
        return out;
    }

    // --- policies ---

    public void upsertPolicy(PolicyRules rules) {
        PolicyRules previous = policies.put(rules.ref(), rules);
        forEachSelector(rules, selectors::register);
        if (previous != null) {
            forEachSelector(previous, selectors::unregister);
        }
        cidrIdentities.retain(policyCidrs());
    }

    public void removePolicy(PolicyRef ref) {
        PolicyRules previous = policies.remove(ref);
        if (previous != null) {
            forEachSelector(previous, selectors::unregister);
            cidrIdentities.retain(policyCidrs());
        }
    }

    public Collection<PolicyRules> policies() {
        return policies.values();
    }

    public int policyCount() {
        return policies.size();
    }

    /** The identities a peer stands for; 0 stands for "any identity". */
    public Set<Integer> identitiesOf(Peer peer) {
        return switch (peer) {
            case Peer.Any any -> Set.of(0);
            case Peer.Selected selected -> selectors.selected(selected.selector());
            case Peer.Cidr cidr -> cidrIdentities.identitiesWithin(cidr.cidr(), cidr.except());
        };
    }

    private static void forEachSelector(PolicyRules rules, java.util.function.Consumer<io.septum.model.labels.EndpointSelector> action) {
        for (PolicyRule rule : rules.rules()) {
            for (Peer peer : rule.peers()) {
                if (peer instanceof Peer.Selected selected) {
                    action.accept(selected.selector());
                }
            }
        }
    }

    private Set<Ipv4Cidr> policyCidrs() {
        Set<Ipv4Cidr> cidrs = new TreeSet<>();
        for (PolicyRules rules : policies.values()) {
            for (PolicyRule rule : rules.rules()) {
                for (Peer peer : rule.peers()) {
                    if (peer instanceof Peer.Cidr cidr) {
                        cidrs.add(cidr.cidr());
                        cidrs.addAll(cidr.except());
                    }
                }
            }
        }
        return cidrs;
    }

    /**
     * Node-local identities for the CIDRs that policies name (blocks and their exceptions). Each prefix is
     * written to the datapath's ipcache with its identity, so that the longest matching prefix of an
     * address tells which blocks contain it and which exceptions exclude it. An address outside every
     * prefix is "world"; it is in a block only if that block is 0.0.0.0/0, which therefore is never written.
     */
    public static final class CidrIdentities {

        private final Map<Ipv4Cidr, Integer> ids = new TreeMap<>();
        private final Set<Integer> freed = new TreeSet<>();
        private int next = 1;

        void retain(Set<Ipv4Cidr> wanted) {
            ids.entrySet().removeIf(e -> {
                if (!wanted.contains(e.getKey())) {
                    freed.add(e.getValue());
                    return true;
                }
                return false;
            });
            for (Ipv4Cidr cidr : wanted) {
                if (cidr.length() > 0 && !ids.containsKey(cidr)) {
                    Integer reuse = freed.isEmpty() ? null : freed.iterator().next();
                    if (reuse != null) {
                        freed.remove(reuse);
                    }
                    ids.put(cidr, reuse != null ? reuse : io.septum.model.identity.NumericIdentity.LOCAL_FLAG | next++);
                }
            }
        }

        /** Prefix → node-local identity, for the datapath's ipcache. */
        public Map<Ipv4Cidr, Integer> prefixes() {
            return java.util.Collections.unmodifiableMap(ids);
        }

        Set<Integer> identitiesWithin(Ipv4Cidr block, List<Ipv4Cidr> except) {
            Set<Integer> out = new HashSet<>();
            for (var entry : ids.entrySet()) {
                Ipv4Cidr prefix = entry.getKey();
                if (block.contains(prefix) && except.stream().noneMatch(e -> e.contains(prefix))) {
                    out.add(entry.getValue());
                }
            }
            if (block.length() == 0) {
                out.add(ReservedIdentity.WORLD.id().value());
            }
            return out;
        }
    }
}
