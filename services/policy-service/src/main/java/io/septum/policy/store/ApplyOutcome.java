package io.septum.policy.store;

import io.septum.model.kv.PolicyRecord;
import io.septum.model.policy.PolicyRef;

import java.util.List;

/**
 * What an apply did. {@code revision} is the new revision, or the current one when nothing changed;
 * {@code written} holds the bucket values of the created and updated objects.
 */
public record ApplyOutcome(long revision, List<ObjectResult> results, List<PolicyRecord> written) {

    /** Constants are the wire values. */
    public enum Action { created, updated, unchanged }

    /** {@code revision} is the revision that last wrote the object. */
    public record ObjectResult(PolicyRef ref, Action action, long revision) {
    }

    public ApplyOutcome {
        results = List.copyOf(results);
        written = List.copyOf(written);
    }
}
