package io.septum.policy.api;

import io.septum.policy.status.RevisionRealization;
import io.septum.policy.store.PolicyChange;
import io.septum.policy.store.PolicyRevision;
import io.septum.policy.store.RevisionDetail;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.function.LongFunction;

/** Every change of one object (of every kind of that name unless one was asked for), newest first. */
public record PolicyHistory(List<HistoryEntry> items) {

    /** One change of the object, with who made it when, and how many of the known nodes have realized that revision. */
    public record HistoryEntry(long revision,
                               @Schema(implementation = String.class, format = "date-time") Instant createdAt,
                               String actor, String kind, String namespace, String name,
                               @Schema(implementation = String.class, enumeration = {"created", "updated", "deleted"}) PolicyChange.Action action,
                               String source, int realizedNodes, int totalNodes) {
    }

    static PolicyHistory of(List<RevisionDetail> history, LongFunction<RevisionRealization.Count> realization) {
        return new PolicyHistory(history.stream().map(detail -> {
            PolicyRevision revision = detail.revision();
            PolicyChange change = detail.changes().getFirst();
            RevisionRealization.Count count = realization.apply(revision.bucketSequence == null ? 0 : revision.bucketSequence);
            return new HistoryEntry(revision.revision, revision.createdAt, revision.actor, change.kind, change.namespace,
                    change.name, change.action, change.source == null ? "" : change.source, count.realizedNodes(), count.totalNodes());
        }).toList());
    }
}
