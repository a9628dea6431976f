package io.septum.policy.store;

import io.septum.model.kv.PolicyRecord;
import io.septum.model.policy.PolicyRef;

import java.util.List;

/**
 * What an apply did, or with {@code dryRun} would do. {@code revision} is the new revision, or the current
 * one when nothing changed or nothing was stored; {@code written} holds the bucket values of the created
 * and updated objects and {@code pruned} the deleted ones (both empty for a dry run).
 */
public record ApplyOutcome(long revision, boolean dryRun, List<ObjectResult> results, List<PolicyRecord> written,
                           List<PolicyRef> pruned) {

    /** Constants are the wire values. */
    public enum Action { created, updated, unchanged, pruned }

    /** {@code revision} is the revision that last wrote the object (this apply's, unless unchanged). */
    public record ObjectResult(PolicyRef ref, Action action, long revision) {
    }

    public ApplyOutcome {
        results = List.copyOf(results);
        written = List.copyOf(written);
        pruned = List.copyOf(pruned);
    }

    public boolean changed() {
        return results.stream().anyMatch(r -> r.action() != Action.unchanged);
    }
}
