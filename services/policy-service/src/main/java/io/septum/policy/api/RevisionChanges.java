package io.septum.policy.api;

import io.septum.policy.status.RevisionRealization;
import io.septum.policy.store.PolicyChange;
import io.septum.policy.store.RevisionDetail;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.function.LongFunction;

/** One revision and what it did to which object; each object's content at that revision is {@code GET /v1/policies/{ns}/{name}?revision=N}. */
public record RevisionChanges(RevisionList.RevisionInfo revision, List<ObjectChange> changes) {

    /** What a revision did to one object; {@code source} is the bundle source that owns it from then on (empty: none). */
    public record ObjectChange(String kind, String namespace, String name,
                               @Schema(implementation = String.class, enumeration = {"created", "updated", "deleted"}) PolicyChange.Action action,
                               String source) {

        static ObjectChange of(PolicyChange change) {
            return new ObjectChange(change.kind, change.namespace, change.name, change.action,
                    change.source == null ? "" : change.source);
        }
    }

    static RevisionChanges of(RevisionDetail detail, LongFunction<RevisionRealization.Count> realization) {
        return new RevisionChanges(RevisionList.RevisionInfo.of(detail.revision(), detail.changes().size(), realization),
                detail.changes().stream().map(ObjectChange::of).toList());
    }
}
