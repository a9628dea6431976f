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

    private final boolean allowFromHost;

    public EndpointPolicyResolver(boolean allowFromHost) {
        this.allowFromHost = allowFromHost;
    }

    public Resolution resolve(EndpointSubject endpoint, ClusterState cluster, RuleRefs ruleRefs) {
        Map<PolicyKey, PolicyEntry> entries = new HashMap<>();
        Set<Direction> isolated = EnumSet.noneOf(Direction.class);
        List<PolicyRules> selecting = new ArrayList<>();
        for (PolicyRules rules : cluster.policies()) {
            if (rules.subject().matches(endpoint.labels())) {
                selecting.add(rules);
                isolated.addAll(rules.isolates());
            }
        }
        for (Direction direction : Direction.values()) {
            if (!isolated.contains(direction)) {
                entries.put(PolicyKey.anyProtocol(0, direction), PolicyEntry.allow(0));
            }
        }
        Set<EndpointSelector> peerSelectors = new HashSet<>();
        boolean usesPrefixes = false;
        boolean usesPeerNamedPorts = false;
        Map<RuleRef, Integer> keysByRule = new HashMap<>();
        for (PolicyRules rules : selecting) {
            for (PolicyRule rule : rules.rules()) {
                int ruleRef = ruleRefs.numberOf(rule.ref());
                PolicyEntry entry = rule.action() == PolicyRule.Action.DENY ? PolicyEntry.denyBy(ruleRef) : PolicyEntry.allow(ruleRef);
                usesPeerNamedPorts |= rule.direction() == Direction.EGRESS && rule.ports().stream().anyMatch(PortRule::isNamed);
                int keys = 0;
                for (Peer peer : rule.peers()) {
                    switch (peer) {
                        case Peer.Selected selected -> peerSelectors.add(selected.selector());
                        case Peer.Cidr cidr -> usesPrefixes = true;
                        case Peer.Any any -> { }
                        case Peer.Entity entity -> { }
                    }
                    List<L4> l4 = numericL4(rule);
                    for (int identity : cluster.identitiesOf(peer)) {
                        if (l4 != null) {
                            // The same protocol/port prefixes for every identity: computed once per rule.
                            for (L4 p : l4) {
                                merge(entries, new PolicyKey(identity, rule.direction(), p.protocol(), p.port(), p.prefixBits()), entry);
                                keys++;
                            }
                            continue;
                        }
                        for (PolicyKey key : keysFor(endpoint, cluster, rule, identity)) {
                            merge(entries, key, entry);
                            keys++;
                        }
                    }
                }
                keysByRule.merge(rule.ref(), keys, Integer::sum);
            }
        }
        if (allowFromHost && isolated.contains(Direction.INGRESS)) {
            merge(entries, PolicyKey.anyProtocol(ReservedIdentity.HOST.id().value(), Direction.INGRESS), PolicyEntry.allow(0));
        }
        dropAllowsCoveredByDenies(entries);
        Set<Direction> audited = EnumSet.noneOf(Direction.class);
        for (PolicyRules rules : selecting) {
            if (rules.audit()) {
                audited.addAll(rules.dropsIn());
            }
        }
        PolicyInputs inputs = new PolicyInputs(endpoint, peerSelectors, usesPrefixes, usesPeerNamedPorts);
        return new Resolution(MapState.adopt(entries), inputs, keysByRule, audited);
    }

    /** A protocol/port prefix of a policy key, as {@link PolicyKey} has it. */
    private record L4(int protocol, int port, int prefixBits) {
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

    private static List<PolicyKey> keysFor(EndpointSubject endpoint, ClusterState cluster, PolicyRule rule, int identity) {
        Direction direction = rule.direction();
        if (rule.ports().isEmpty()) {
            return List.of(PolicyKey.anyProtocol(identity, direction));
        }
        List<PolicyKey> keys = new ArrayList<>();
        for (PortRule port : rule.ports()) {
            int protocol = port.protocol().number();
            if (port.isNamed()) {
                // The name is the destination pod's: ours for ingress, the peer's pods' for egress.
                List<NamedPort> candidates = direction == Direction.INGRESS ? endpoint.namedPorts()
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

    private static void merge(Map<PolicyKey, PolicyEntry> entries, PolicyKey key, PolicyEntry entry) {
        entries.merge(key, entry, (old, incoming) -> {
            if (old.deny() != incoming.deny()) {
                return old.deny() ? old : incoming;
            }
            // Same verdict from several rules: keep the smaller number, so the result does not depend on order.
            return Integer.compareUnsigned(old.ruleRef(), incoming.ruleRef()) <= 0 ? old : incoming;
        });
    }

    /** Only a deny of the same identity and direction can cover an allow: index them by both, packed in a long. */
    private static long scope(PolicyKey key) {
        return ((long) key.identity() << 1) | key.direction().code();
    }

    private static void dropAllowsCoveredByDenies(Map<PolicyKey, PolicyEntry> entries) {
        Map<Long, List<PolicyKey>> denies = new HashMap<>();
        entries.forEach((key, entry) -> {
            if (entry.deny()) {
                denies.computeIfAbsent(scope(key), s -> new ArrayList<>()).add(key);
            }
        });
        if (denies.isEmpty()) {
            return;
        }
        entries.entrySet().removeIf(e -> {
            if (e.getValue().deny()) {
                return false;
            }
            List<PolicyKey> sameScope = denies.get(scope(e.getKey()));
            if (sameScope == null) {
                return false;
            }
            for (PolicyKey deny : sameScope) {
                if (e.getKey().coveredBy(deny)) {
                    return true;
                }
            }
            return false;
        });
    }
}
