package io.septum.policy.status;

import io.septum.model.kv.BucketRevisions;
import io.septum.model.kv.NodeStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * How far the cluster has realized the current state: the targets (last revision of each bucket), the
 * current policy revision, and every known node.
 */
public record ClusterStatus(BucketRevisions targets, long revision, List<NodeReport> nodes, int realizedNodes, int totalNodes) {

    public ClusterStatus {
        nodes = List.copyOf(nodes);
    }

    public static ClusterStatus of(BucketRevisions targets, long revision, Map<String, NodeStatusRegistry.Heard> heard,
                                   Instant now, Duration staleAfter) {
        List<NodeReport> nodes = heard.entrySet().stream()
                .map(e -> report(e.getKey(), e.getValue(), targets, now, staleAfter))
                .sorted(Comparator.comparing(NodeReport::node))
                .toList();
        int realized = (int) nodes.stream().filter(NodeReport::realized).count();
        return new ClusterStatus(targets, revision, nodes, realized, nodes.size());
    }

    private static NodeReport report(String node, NodeStatusRegistry.Heard heard, BucketRevisions targets, Instant now,
                                     Duration staleAfter) {
        NodeStatus status = heard.status();
        BucketRevisions applied = heard.applied();
        boolean stale = heard.stale(now, staleAfter);
        return new NodeReport(node, applied, status.endpoints(), status.endpointsReady(), status.problems(), heard.at(),
                stale, !stale && applied.covers(targets));
    }
}
