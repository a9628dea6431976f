package io.septum.policy.explain;

import io.septum.enforcer.controlplane.cluster.ClusterState;
import io.septum.enforcer.controlplane.decision.PolicyDecision;
import io.septum.enforcer.controlplane.mapstate.MapState;
import io.septum.enforcer.controlplane.mapstate.RuleRefs;
import io.septum.enforcer.controlplane.resolve.EndpointPolicyResolver;
import io.septum.enforcer.controlplane.resolve.EndpointSubject;
import io.septum.enforcer.controlplane.resolve.Resolution;
import io.septum.model.kv.IpcacheRecord;
import io.septum.model.kv.NamedPort;
import io.septum.model.labels.Labels;
import io.septum.model.net.Ipv4Cidr;
import io.septum.model.policy.Direction;
import io.septum.model.policy.Protocol;
import io.septum.model.policy.rules.Peer;
import io.septum.model.policy.rules.PolicyRule;
import io.septum.model.policy.rules.PolicyRules;
import io.septum.model.policy.rules.PortRule;
import io.septum.model.policy.rules.RuleRef;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Explains a connection with the enforcer's own code: {@link EndpointPolicyResolver} computes the map state
 * of each end exactly as that end's enforcer does, and {@link PolicyDecision} looks the connection up in it
 * as the datapath does. Pure: the same cluster state gives the same explanation.
 */
public final class Explainer {

    /** A request that names something unknown or malformed: {@code parameter} is the query parameter at fault. */
    public static final class ExplainException extends RuntimeException {
        private final int status;

        ExplainException(int status, String parameter, String message) {
            super("query parameter " + parameter + ": " + message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final EndpointPolicyResolver resolver;

    /** {@code allowFromHost} as the enforcers run (their --allow-from-host, on by default). */
    public Explainer(boolean allowFromHost) {
        this.resolver = new EndpointPolicyResolver(allowFromHost);
    }

    public Explanation explain(ClusterState cluster, String from, String to, int port, Protocol protocol) {
        IpcacheRecord source = pod(cluster, "from", from).orElseThrow(() -> new ExplainException(400, "from",
                "'" + from + "' is not a pod: the source must be NS/POD or a pod's address"));
        Optional<IpcacheRecord> destinationPod = pod(cluster, "to", to);
        int destinationAddress = destinationPod.map(r -> Ipv4Cidr.parse(r.prefix()).address()).orElseGet(() -> address("to", to));
        int sourceAddress = Ipv4Cidr.parse(source.prefix()).address();

        Explanation.Endpoint fromEnd = endpoint(cluster, source);
        Explanation.Endpoint toEnd = destinationPod.map(r -> endpoint(cluster, r)).orElseGet(() -> new Explanation.Endpoint("", "",
                Ipv4Cidr.formatAddress(destinationAddress), PolicyDecision.peer(cluster, destinationAddress).identity(), "", List.of()));

        Explanation.DirectionVerdict egress = decide(cluster, source, Direction.EGRESS, destinationAddress, port, protocol);
        Explanation.DirectionVerdict ingress = destinationPod
                .map(pod -> decide(cluster, pod, Direction.INGRESS, sourceAddress, port, protocol))
                .orElseGet(() -> new Explanation.DirectionVerdict(false, "allowed", "not enforced", "", List.of(), List.of()));
        // A drop in a direction the endpoint audits is let through by the datapath (reported as AUDIT, not DROPPED).
        String verdict = egress.denied() || ingress.denied() ? "denied"
                : egress.audited() || ingress.audited() ? "audited" : "allowed";
        return new Explanation(fromEnd, toEnd, port, protocol.name(), verdict, egress, ingress);
    }

    private Explanation.DirectionVerdict decide(ClusterState cluster, IpcacheRecord endpoint, Direction direction, int peerAddress,
                                                int port, Protocol protocol) {
        Labels labels = labels(cluster, endpoint);
        EndpointSubject subject = new EndpointSubject(endpoint.identity(), labels, endpoint.namedPorts());
        RuleRefs ruleRefs = new RuleRefs();
        Resolution resolution = resolver.resolve(subject, cluster, ruleRefs);
        MapState state = resolution.state();
        PolicyDecision.Peer peer = PolicyDecision.peer(cluster, peerAddress);
        PolicyDecision.Decision decision = PolicyDecision.decide(state, peer, direction, protocol.number(), port);

        List<String> isolatedBy = new ArrayList<>();
        List<Explanation.RuleMatch> matching = new ArrayList<>();
        List<NamedPort> destinationPorts = direction == Direction.INGRESS ? endpoint.namedPorts() : cluster.namedPortsOf(peer.identity());
        for (PolicyRules rules : cluster.policies()) {
            if (!rules.subject().matches(labels)) {
                continue;
            }
            // A policy whose several specs select the endpoint isolates it once.
            if (rules.isolates().contains(direction) && !isolatedBy.contains(rules.ref().toString())) {
                isolatedBy.add(rules.ref().toString());
            }
            for (PolicyRule rule : rules.rules()) {
                if (rule.direction() == direction && matchesPeer(cluster, rule, peer) && matchesPort(rule, protocol, port, destinationPorts)) {
                    matching.add(match(rule));
                }
            }
        }
        String rule = ruleRefs.lookup(decision.ruleRef()).map(RuleRef::toString).orElse("");
        String reason;
        if (decision.allowed()) {
            reason = isolatedBy.isEmpty() ? "not isolated" : "allowed by rule";
        } else {
            reason = decision.denyRule() ? "denied by deny rule" : "default deny";
        }
        String verdict = decision.allowed() ? "allowed" : resolution.audited().contains(direction) ? "audited" : "denied";
        return new Explanation.DirectionVerdict(true, verdict, reason, rule, matching, isolatedBy);
    }

    private static boolean matchesPeer(ClusterState cluster, PolicyRule rule, PolicyDecision.Peer peer) {
        for (Peer candidate : rule.peers()) {
            var identities = cluster.identitiesOf(candidate);
            if (identities.contains(0) || identities.contains(peer.identity())
                    || (peer.cidrIdentity() != 0 && identities.contains(peer.cidrIdentity()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesPort(PolicyRule rule, Protocol protocol, int port, List<NamedPort> destinationPorts) {
        if (rule.ports().isEmpty()) {
            return true;
        }
        for (PortRule candidate : rule.ports()) {
            if (candidate.protocol() != protocol) {
                continue;
            }
            if (candidate.isNamed()) {
                if (destinationPorts.stream().anyMatch(n -> n.name().equals(candidate.portName()) && n.port() == port
                        && n.protocol().equalsIgnoreCase(protocol.name()))) {
                    return true;
                }
            } else if (candidate.port() == 0 || (port >= candidate.port() && port <= candidate.lastPort())) {
                return true;
            }
        }
        return false;
    }

    private static Explanation.RuleMatch match(PolicyRule rule) {
        RuleRef ref = rule.ref();
        return new Explanation.RuleMatch(ref.policy().kind(), ref.policy().namespace(), ref.policy().name(),
                ref.direction().name().toLowerCase(Locale.ROOT), ref.index(), ref.path(), rule.action().name().toLowerCase(Locale.ROOT), ref.toString());
    }

    private static Explanation.Endpoint endpoint(ClusterState cluster, IpcacheRecord record) {
        return new Explanation.Endpoint(record.namespace(), record.pod(), Ipv4Cidr.formatAddress(Ipv4Cidr.parse(record.prefix()).address()),
                record.identity(), record.node() == null ? "" : record.node(), labels(cluster, record).toStrings());
    }

    private static Labels labels(ClusterState cluster, IpcacheRecord record) {
        Labels labels = cluster.selectors().labels(record.identity());
        if (labels == null) {
            throw new ExplainException(503, "from", "identity " + record.identity() + " of pod " + record.namespace() + "/" + record.pod()
                    + " is not known yet (identities bucket not caught up)");
        }
        return labels;
    }

    /** The pod named NS/POD, or whose address {@code value} is; empty when {@code value} is an address of no pod. */
    private static Optional<IpcacheRecord> pod(ClusterState cluster, String parameter, String value) {
        if (!Ipv4Cidr.looksLikeIpv4(value.split("/", -1)[0])) {
            String[] parts = value.split("/", -1);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new ExplainException(400, parameter, "'" + value + "' must be NS/POD or an IPv4 address");
            }
            return Optional.of(cluster.ipcacheEntries().stream()
                    .filter(r -> parts[0].equals(r.namespace()) && parts[1].equals(r.pod()))
                    .findFirst()
                    .orElseThrow(() -> new ExplainException(404, parameter, "no pod " + value + " in the ipcache")));
        }
        int address = address(parameter, value);
        return cluster.ipcacheEntries().stream()
                .filter(r -> r.pod() != null && !r.pod().isEmpty())
                .filter(r -> Ipv4Cidr.parse(r.prefix()).length() == 32 && Ipv4Cidr.parse(r.prefix()).address() == address)
                .findFirst();
    }

    /** An address, or a CIDR standing for its first address. */
    private static int address(String parameter, String value) {
        try {
            return value.contains("/") ? Ipv4Cidr.parse(value).address() : Ipv4Cidr.parseAddress(value);
        } catch (IllegalArgumentException e) {
            throw new ExplainException(400, parameter, "'" + value + "' must be NS/POD or an IPv4 address: " + e.getMessage());
        }
    }
}
