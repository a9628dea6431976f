package io.septum.policy.api;

import io.septum.policy.store.ApplyOutcome;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** Answer of an apply: its revision (the current one when nothing changed) and what happened to each object. */
public record ApplyResponse(long revision, List<ApplyResult> results) {

    /** One object of the apply; {@code revision} is the revision that last wrote it. */
    public record ApplyResult(String kind, String namespace, String name,
                              @Schema(implementation = String.class, enumeration = {"created", "updated", "unchanged"})
                              ApplyOutcome.Action action,
                              long revision) {
    }

    static ApplyResponse of(ApplyOutcome outcome) {
        return new ApplyResponse(outcome.revision(), outcome.results().stream()
                .map(r -> new ApplyResult(r.ref().kind(), r.ref().namespace(), r.ref().name(), r.action(), r.revision()))
                .toList());
    }
}
