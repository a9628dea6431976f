package io.septum.enforcer.controlplane.resolve;

import io.septum.enforcer.controlplane.cluster.ClusterState;
import io.septum.enforcer.controlplane.mapstate.MapState;
import io.septum.enforcer.controlplane.mapstate.PolicyEntry;
import io.septum.enforcer.controlplane.mapstate.PolicyKey;
import io.septum.enforcer.controlplane.mapstate.PortPrefixes;
import io.septum.enforcer.controlplane.mapstate.RuleRefs;
import io.septum.model.identity.ReservedIdentity;
import io.septum.model.kv.NamedPort;
import io.septum.model.labels.EndpointSelector;
import io.septum.model.policy.Direction;
import io.septum.model.policy.rules.Peer;
import io.septum.model.policy.rules.PolicyRule;
import io.septum.model.policy.rules.PolicyRules;
import io.septum.model.policy.rules.PortRule;
import io.septum.model.policy.rules.RuleRef;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Computes an endpoint's complete policy state from the cluster state — the heart of the enforcer:
 * <ol>
 *   <li>the policies whose subject selects the endpoint, and the directions they isolate;</li>
 *   <li>a direction no selecting policy isolates allows everything (one wildcard entry);</li>
 *   <li>each rule of a selecting policy becomes one entry per (peer identity, protocol/port prefix);
 *       "any peer" is one wildcard identity (0), a selector its selected identities, an ipBlock the CIDR
 *       identities of the prefixes inside it; port ranges become aligned prefixes; named ports resolve
 *       against the destination pod (this endpoint for ingress, the peer's pods for egress);</li>
 *   <li>a deny entry wins over an allow on the same key, and allow entries that a deny of the same
 *       identity covers are dropped, so the datapath's longest-prefix match never lets them shadow it;</li>
 *   <li>the node itself may always reach its endpoints, as kubelet health checks need
 *       (Cilium's allow-localhost), unless configured off;</li>
 *   <li>a direction in which an audit-mode policy selecting the endpoint can drop (isolates or denies) is
 *       audited for the whole endpoint — Cilium's per-endpoint PolicyAuditMode, switched on by a policy:
 *       the datapath lets its would-be drops through as AUDIT.</li>
 * </ol>
 * Pure function of its inputs: the same state gives the same entries, on any node, after any restart.
 * The cost is proportional to the entries produced, so "allow all" or "allow from namespace y" costs one
 * entry or one per selected identity, however many identities the cluster has.
 */
public final class EndpointPolicyResolver {

    /** The most entries a table is sized for up front: beyond it, overlapping rules could make a guess far too big. */
    private static final int PRESIZE_LIMIT = 1 << 18;

    private final boolean allowFromHost;

    public EndpointPolicyResolver(boolean allowFromHost) {
        this.allowFromHost = allowFromHost;
    }

    public Resolution resolve(EndpointSubject endpoint, ClusterState cluster, RuleRefs ruleRefs) {
        return compute(selecting(endpoint, cluster), endpoint.namedPorts(), cluster, ruleRefs).forEndpoint(endpoint);
    }

    /**
     * Resolutions of many endpoints against one cluster state (a reconciliation pass): endpoints selected by the
     * same policies, with the same named ports, get the same entries, so they are computed once and shared —
     * the replicas of one deployment on a node, and every endpoint no policy selects. The cluster state and the
     * rule numbers must not change while the batch is in use.
     */
    public Batch batch(ClusterState cluster, RuleRefs ruleRefs) {
        return new Batch(cluster, ruleRefs);
    }

    /** See {@link #batch}. Owned by one thread, like the cluster state. */
    public final class Batch {
        private final ClusterState cluster;
        private final RuleRefs ruleRefs;
        private final Map<SharedKey, Shared> computed = new HashMap<>();

        private Batch(ClusterState cluster, RuleRefs ruleRefs) {
            this.cluster = cluster;
            this.ruleRefs = ruleRefs;
        }

        /** The same as {@link EndpointPolicyResolver#resolve} with this batch's state, computed or shared. */
        public Resolution resolve(EndpointSubject endpoint) {
            PolicyRules[] selecting = selecting(endpoint, cluster).toArray(PolicyRules[]::new);
            return computed.computeIfAbsent(new SharedKey(selecting, endpoint.namedPorts()),
                    key -> compute(List.of(selecting), endpoint.namedPorts(), cluster, ruleRefs)).forEndpoint(endpoint);
        }

        /** Distinct resolutions computed so far; the others were shared. */
        public int computedCount() {
            return computed.size();
        }
    }

    /**
     * What decides a resolution besides the cluster state: the selecting policies (the cluster state's own objects,
     * compared by reference: within a batch an equal policy is the same object) and the endpoint's named ports.
     */
    private record SharedKey(PolicyRules[] selecting, List<NamedPort> namedPorts) {
        @Override
        public boolean equals(Object o) {
            if (!(o instanceof SharedKey other) || other.selecting.length != selecting.length || !namedPorts.equals(other.namedPorts)) {
                return false;
            }
            for (int i = 0; i < selecting.length; i++) {
                if (selecting[i] != other.selecting[i]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            int hash = namedPorts.hashCode();
            for (PolicyRules rules : selecting) {
                hash = 31 * hash + System.identityHashCode(rules);
            }
            return hash;
        }

        @Override
        public String toString() {
            return selecting.length + " selecting policies, named ports " + namedPorts;
        }
    }

    /** A resolution without its endpoint: what endpoints with the same {@link SharedKey} share. */
    private record Shared(MapState state, Set<EndpointSelector> peerSelectors, boolean usesPrefixes, boolean usesPeerNamedPorts,
                          Map<RuleRef, Integer> keysByRule, Set<Direction> audited) {
        Shared {
            peerSelectors = Set.copyOf(peerSelectors);
            keysByRule = Map.copyOf(keysByRule);
            audited = Set.copyOf(audited);
        }

        Resolution forEndpoint(EndpointSubject endpoint) {
            return new Resolution(state, new PolicyInputs(endpoint, peerSelectors, usesPrefixes, usesPeerNamedPorts), keysByRule, audited);
        }
    }

    /** The policies whose subject selects the endpoint, in the cluster state's order. */
    private static List<PolicyRules> selecting(EndpointSubject endpoint, ClusterState cluster) {
        return cluster.policiesSelecting(endpoint.identity(), endpoint.labels());
    }

    /** The entries of an endpoint selected by {@code selecting}, whose own named ports are {@code namedPorts}. */
    private Shared compute(List<PolicyRules> selecting, List<NamedPort> namedPorts, ClusterState cluster, RuleRefs ruleRefs) {
        Set<Direction> isolated = EnumSet.noneOf(Direction.class);
        for (PolicyRules rules : selecting) {
            isolated.addAll(rules.isolates());
        }
        // Each rule's peers' identities and port prefixes first: their product sizes the entry table once, where a
        // heavily selected endpoint's tens of thousands of entries would otherwise grow it a dozen times.
        List<RulePeers> rulePeers = new ArrayList<>();
        int expected = 3;
        for (PolicyRules rules : selecting) {
            for (PolicyRule rule : rules.rules()) {
                List<L4> l4 = numericL4(rule);
                List<Set<Integer>> identities = new ArrayList<>(rule.peers().size());
                for (Peer peer : rule.peers()) {
                    Set<Integer> ids = cluster.identitiesOf(peer);
                    identities.add(ids);
                    expected += ids.size() * (l4 == null ? 1 : l4.size());
                }
                rulePeers.add(new RulePeers(rule, l4, identities));
            }
        }
        MapState.Builder entries = MapState.builder(Math.min(expected, PRESIZE_LIMIT));
        for (Direction direction : Direction.values()) {
            if (!isolated.contains(direction)) {
                entries.merge(PolicyKey.anyProtocol(0, direction), PolicyEntry.allow(0));
            }
        }
        Set<EndpointSelector> peerSelectors = new HashSet<>();
        boolean usesPrefixes = false;
        boolean usesPeerNamedPorts = false;
        Map<RuleRef, Integer> keysByRule = new HashMap<>();
        for (RulePeers each : rulePeers) {
            PolicyRule rule = each.rule();
            List<L4> l4 = each.l4();
            int ruleRef = ruleRefs.numberOf(rule.ref());
            PolicyEntry entry = rule.action() == PolicyRule.Action.DENY ? PolicyEntry.denyBy(ruleRef) : PolicyEntry.allow(ruleRef);
            usesPeerNamedPorts |= rule.direction() == Direction.EGRESS && rule.ports().stream().anyMatch(PortRule::isNamed);
            int keys = 0;
            for (int p = 0; p < rule.peers().size(); p++) {
                switch (rule.peers().get(p)) {
                    case Peer.Selected selected -> peerSelectors.add(selected.selector());
                    case Peer.Cidr cidr -> usesPrefixes = true;
                    case Peer.Any any -> { }
                    case Peer.Entity entity -> { }
                }
                for (int identity : each.identities().get(p)) {
                    if (l4 != null) {
                        // The same protocol/port prefixes for every identity: computed once per rule.
                        for (L4 prefix : l4) {
                            entries.merge(identity, rule.direction(), prefix.protocol(), prefix.port(), prefix.prefixBits(), entry);
                            keys++;
                        }
                        continue;
                    }
                    for (PolicyKey key : keysFor(namedPorts, cluster, rule, identity)) {
                        entries.merge(key, entry);
                        keys++;
                    }
                }
            }
            keysByRule.merge(rule.ref(), keys, Integer::sum);
        }
        if (allowFromHost && isolated.contains(Direction.INGRESS)) {
            entries.merge(PolicyKey.anyProtocol(ReservedIdentity.HOST.id().value(), Direction.INGRESS), PolicyEntry.allow(0));
        }
        entries.dropAllowsCoveredByDenies();
        Set<Direction> audited = EnumSet.noneOf(Direction.class);
        for (PolicyRules rules : selecting) {
            if (rules.audit()) {
                audited.addAll(rules.dropsIn());
            }
        }
        return new Shared(entries.build(), peerSelectors, usesPrefixes, usesPeerNamedPorts, keysByRule, audited);
    }

    /** A rule with its port prefixes ({@link #numericL4}) and the identities of each of its peers, in order. */
    private record RulePeers(PolicyRule rule, List<L4> l4, List<Set<Integer>> identities) {
    }

    /** A protocol/port prefix of a policy key, as {@link PolicyKey} has it (and checks it: once per rule, not per identity). */
    private record L4(int protocol, int port, int prefixBits) {
        L4 {
            new PolicyKey(0, Direction.INGRESS, protocol, port, prefixBits);
        }
    }

    /** The rule's protocol/port prefixes when they do not depend on the peer (no port names); null otherwise. */
    private static List<L4> numericL4(PolicyRule rule) {
        if (rule.ports().isEmpty()) {
            return List.of(new L4(0, 0, 0));
        }
        List<L4> out = new ArrayList<>();
        for (PortRule port : rule.ports()) {
            int protocol = port.protocol().number();
            if (port.isNamed()) {
                return null;
            } else if (port.port() == 0) {
                out.add(new L4(protocol, 0, PolicyKey.PROTOCOL_BITS));
            } else {
                for (PortPrefixes.PortPrefix prefix : PortPrefixes.of(port.port(), port.lastPort())) {
                    out.add(new L4(protocol, prefix.port(), PolicyKey.PROTOCOL_BITS + prefix.bits()));
                }
            }
        }
        return out;
    }

    private static List<PolicyKey> keysFor(List<NamedPort> ownNamedPorts, ClusterState cluster, PolicyRule rule, int identity) {
        Direction direction = rule.direction();
        if (rule.ports().isEmpty()) {
            return List.of(PolicyKey.anyProtocol(identity, direction));
        }
        List<PolicyKey> keys = new ArrayList<>();
        for (PortRule port : rule.ports()) {
            int protocol = port.protocol().number();
            if (port.isNamed()) {
                // The name is the destination pod's: ours for ingress, the peer's pods' for egress.
                List<NamedPort> candidates = direction == Direction.INGRESS ? ownNamedPorts
                        : identity == 0 ? cluster.allNamedPorts() : cluster.namedPortsOf(identity);
                for (NamedPort named : candidates) {
                    if (named.name().equals(port.portName()) && named.protocol().equalsIgnoreCase(port.protocol().name())) {
                        keys.add(PolicyKey.exactPort(identity, direction, protocol, named.port()));
                    }
                }
            } else if (port.port() == 0) {
                keys.add(PolicyKey.anyPort(identity, direction, protocol));
            } else {
                for (PortPrefixes.PortPrefix prefix : PortPrefixes.of(port.port(), port.lastPort())) {
                    keys.add(new PolicyKey(identity, direction, protocol, prefix.port(), PolicyKey.PROTOCOL_BITS + prefix.bits()));
                }
            }
        }
        return keys;
    }
}
