package io.septum.policy.api;

import io.septum.policy.status.RevisionRealization;
import io.septum.policy.store.PolicyRevision;
import io.septum.policy.store.RevisionSummary;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.function.LongFunction;

/** One page of revisions, newest first; {@code next} is the {@code before} of the next page, 0 when this is the last. */
public record RevisionList(List<RevisionInfo> items, long next) {

    /**
     * Who made a revision, when, how (apply or delete, with which bundle source: empty for none), how many
     * objects it changed, and how many of the known nodes have realized it.
     */
    public record RevisionInfo(long revision,
                               @Schema(implementation = String.class, format = "date-time") Instant createdAt,
                               String actor,
                               @Schema(implementation = String.class, enumeration = {"apply", "delete"}) PolicyRevision.Operation operation,
                               String source, int changes, int realizedNodes, int totalNodes) {

        static RevisionInfo of(PolicyRevision revision, int changes, LongFunction<RevisionRealization.Count> realization) {
            RevisionRealization.Count count = realization.apply(revision.bucketSequence == null ? 0 : revision.bucketSequence);
            return new RevisionInfo(revision.revision, revision.createdAt, revision.actor, revision.operation,
                    revision.source == null ? "" : revision.source, changes, count.realizedNodes(), count.totalNodes());
        }
    }

    static RevisionList of(List<RevisionSummary> page, int limit, LongFunction<RevisionRealization.Count> realization) {
        List<RevisionInfo> items = page.stream().map(s -> RevisionInfo.of(s.revision(), s.changes(), realization)).toList();
        long next = items.size() < limit || items.isEmpty() ? 0 : items.getLast().revision();
        return new RevisionList(items, next);
    }
}
