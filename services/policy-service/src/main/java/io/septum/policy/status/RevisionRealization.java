package io.septum.policy.status;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.Map;

/**
 * How many nodes have realized a policy revision: those not stale whose applied policies revision reaches the
 * bucket sequence that distributed it. Counted over the same nodes as {@code /v1/status} lists.
 */
@ApplicationScoped
public class RevisionRealization {

    /** Realized and total node counts; realized is 0 when the revision's bucket sequence is not known. */
    public record Count(int realizedNodes, int totalNodes) {
    }

    @Inject
    NodeStatusRegistry registry;

    @Inject
    StatusConfig config;

    /** A view of the nodes now, to count many revisions against the same reports. */
    public java.util.function.LongFunction<Count> snapshot() {
        Instant now = Instant.now();
        Map<String, NodeStatusRegistry.Heard> heard = registry.heardSince(now.minus(config.forgetAfter()));
        return bucketSequence -> {
            int realized = 0;
            for (NodeStatusRegistry.Heard node : heard.values()) {
                if (!node.stale(now, config.staleAfter()) && bucketSequence > 0 && node.applied().policies() >= bucketSequence) {
                    realized++;
                }
            }
            return new Count(realized, heard.size());
        };
    }
}
