package io.septum.policy.status;

import io.septum.model.kv.BucketRevisions;
import io.septum.model.kv.NodeStatus;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The latest status of every node, with when NATS stored it. Kept in memory, refilled from the stream at start. */
@ApplicationScoped
public class NodeStatusRegistry {

    /** A node's latest report and when NATS stored it (the server's clock, not the node's). */
    public record Heard(NodeStatus status, Instant at) {

        /** Not heard from for longer than {@code staleAfter}: its report no longer counts as realized. */
        public boolean stale(Instant now, Duration staleAfter) {
            return at.plus(staleAfter).isBefore(now);
        }

        /** What the node's maps realize; none before its first complete report. */
        public BucketRevisions applied() {
            return status.applied() == null ? BucketRevisions.NONE : status.applied();
        }
    }

    private final ConcurrentMap<String, Heard> nodes = new ConcurrentHashMap<>();

    /** Keeps the later of the known and the new report (a redelivered old report does not win). */
    public void record(String node, NodeStatus status, Instant at) {
        Heard heard = new Heard(status, at);
        nodes.merge(node, heard, (known, incoming) -> incoming.at().isBefore(known.at()) ? known : incoming);
    }

    /** Every node heard from since {@code since}; older ones are dropped. */
    public Map<String, Heard> heardSince(Instant since) {
        nodes.values().removeIf(heard -> heard.at().isBefore(since));
        return Map.copyOf(nodes);
    }
}
