package io.septum.flows.ingest;

import io.septum.flows.cluster.ClusterView;
import io.septum.model.flows.Flow;
import io.septum.model.flows.FlowRecord;
import io.septum.model.identity.ReservedIdentity;
import io.septum.model.kv.IpcacheRecord;
import io.septum.model.net.Ipv4Cidr;
import io.septum.model.policy.Direction;
import io.septum.model.policy.rules.RuleRef;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Names a flow event: both sides (pod, namespace, node, labels; a reserved entity; else the address) and the
 * policy that decided it — the deciding rule when the datapath reports one, else, for a default deny, the
 * policies that isolate the endpoint in that direction.
 *
 * <p>Not thread-safe: one per ingesting thread. Sides are cached by (address, identity), default-deny policies by
 * (identity, direction), until the cluster view changes, so a burst of flows between the same pods costs one look-up.
 */
final class FlowEnricher {

    private static final String[] TCP_FLAG_NAMES = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
    private static final int POLICY_DENIED = 1;

    private final ClusterView cluster;
    private final DropReasons reasons;
    private final Map<Long, Flow.FlowEndpoint> endpoints = new HashMap<>();
    private final Map<Long, List<String>> isolating = new HashMap<>();
    private final InstantText times = new InstantText();
    private long cachedVersion = -1;

    FlowEnricher(ClusterView cluster, DropReasons reasons) {
        this.cluster = cluster;
        this.reasons = reasons;
    }

    /**
     * Drops the caches if the cluster view changed since the last batch (or they grew too big): called once per batch,
     * so the flows of one batch are named from one version of the view.
     */
    void startBatch() {
        long version = cluster.version();
        if (version != cachedVersion || endpoints.size() > 100_000) {
            endpoints.clear();
            isolating.clear();
            cachedVersion = version;
        }
    }

    Flow enrich(String node, long timeNanos, FlowRecord r) {
        Flow.FlowEndpoint source = endpoint(r.sourceAddress(), r.sourceIdentity());
        Flow.FlowEndpoint destination = endpoint(r.destinationAddress(), r.destinationIdentity());
        String verdict = name(FlowRecord.VERDICT_NAMES, r.verdict(), "VERDICT_");
        String direction = name(FlowRecord.DIRECTION_NAMES, r.direction(), "DIRECTION_");
        String reason = reasons.name(r.reason());
        String protocol = protocol(r.protocol());
        List<String> policies = List.of();
        String rule = "";
        Optional<RuleRef> ref = cluster.rule(r.ruleNumber());
        if (ref.isPresent()) {
            policies = List.of(ref.get().policy().toString());
            rule = ref.get().toString();
        } else if (r.ruleNumber() != 0) {
            rule = "rule #" + Integer.toUnsignedString(r.ruleNumber()) + " (its policy is no longer known)";
        } else if (r.reason() == POLICY_DENIED && r.direction() <= 1) {
            Flow.FlowEndpoint local = r.direction() == 0 ? destination : source;
            Direction dir = r.direction() == 0 ? Direction.INGRESS : Direction.EGRESS;
            policies = isolating.computeIfAbsent(((long) local.identity() << 1) | r.direction(), k ->
                    cluster.identity(local.identity()).map(l -> cluster.isolating(l.labels(), dir)).orElse(List.of()));
        }
        List<String> flags = r.protocol() == 6 ? tcpFlags(r.tcpFlags()) : List.of();
        String summary = summary(source, r.sourcePort(), destination, r.destinationPort(), protocol, flags, verdict, reason, policies, rule);
        return new Flow(times.format(timeNanos), node, verdict, reason, direction, protocol, source,
                destination, r.sourcePort(), r.destinationPort(), flags, r.reply(), r.packetLength(), policies, rule, summary);
    }

    private Flow.FlowEndpoint endpoint(int address, int identity) {
        long key = ((long) address << 32) | (identity & 0xffffffffL);
        Flow.FlowEndpoint cached = endpoints.get(key);
        if (cached != null) {
            return cached;
        }
        String ip = Ipv4Cidr.formatAddress(address);
        Optional<IpcacheRecord> entry = cluster.ipcache(address);
        int id = identity != 0 ? identity : entry.map(IpcacheRecord::identity).orElse(0);
        List<String> labels = cluster.identity(id).map(ClusterView.IdentityLabels::texts).orElse(List.of());
        String namespace = entry.map(e -> e.namespace() == null ? "" : e.namespace()).orElse("");
        String pod = entry.map(e -> e.pod() == null ? "" : e.pod()).orElse("");
        String node = entry.map(e -> e.node() == null ? "" : e.node()).orElse("");
        String name = !pod.isEmpty() ? namespace + "/" + pod : ReservedIdentity.byId(id).map(ReservedIdentity::entityName).orElse(ip);
        Flow.FlowEndpoint endpoint = new Flow.FlowEndpoint(ip, id, namespace, pod, node, labels, name);
        endpoints.put(key, endpoint);
        return endpoint;
    }

    private static String name(List<String> names, int code, String unknownPrefix) {
        return code >= 0 && code < names.size() ? names.get(code) : unknownPrefix + code;
    }

    static String protocol(int number) {
        return switch (number) {
            case 1 -> "ICMP";
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 132 -> "SCTP";
            default -> Integer.toString(number);
        };
    }

    static List<String> tcpFlags(int bits) {
        List<String> flags = new ArrayList<>(2);
        for (int i = 0; i < TCP_FLAG_NAMES.length; i++) {
            if ((bits & (1 << i)) != 0) {
                flags.add(TCP_FLAG_NAMES[i]);
            }
        }
        return flags;
    }

    private static String summary(Flow.FlowEndpoint source, int sourcePort, Flow.FlowEndpoint destination, int destinationPort,
            String protocol, List<String> flags, String verdict, String reason, List<String> policies, String rule) {
        StringBuilder s = new StringBuilder(128);
        s.append(source.name()).append(':').append(sourcePort).append(" -> ").append(destination.name()).append(':')
                .append(destinationPort).append(' ').append(protocol);
        if (!flags.isEmpty()) {
            s.append(' ').append(String.join(",", flags));
        }
        s.append(' ').append(verdict);
        if (!"NONE".equals(reason)) {
            s.append(" (").append(reason).append(')');
        }
        if (!rule.isEmpty()) {
            s.append(" by ").append(rule);
        } else if (!policies.isEmpty()) {
            s.append(" by default deny of ").append(String.join(", ", policies));
        }
        return s.toString();
    }
}
