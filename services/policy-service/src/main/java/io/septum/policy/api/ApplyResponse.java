package io.septum.policy.api;

import io.septum.policy.store.ApplyOutcome;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * Answer of an apply: its revision (the current one when nothing changed or for a dry run), whether it was a
 * dry run, and what happened (or would happen) to each object, the pruned ones last.
 */
public record ApplyResponse(long revision, boolean dryRun, List<ApplyResult> results) {

    /** One object of the apply; {@code revision} is the revision that last wrote it (0: not stored yet, in a dry run). */
    public record ApplyResult(String kind, String namespace, String name,
                              @Schema(implementation = String.class, enumeration = {"created", "updated", "unchanged", "pruned"})
                              ApplyOutcome.Action action,
                              long revision) {
    }

    static ApplyResponse of(ApplyOutcome outcome) {
        return new ApplyResponse(outcome.revision(), outcome.dryRun(), outcome.results().stream()
                .map(r -> new ApplyResult(r.ref().kind(), r.ref().namespace(), r.ref().name(), r.action(), r.revision()))
                .toList());
    }
}
