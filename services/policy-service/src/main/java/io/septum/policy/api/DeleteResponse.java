package io.septum.policy.api;

import io.septum.model.policy.PolicyRef;
import io.septum.policy.store.DeleteOutcome;

import java.util.List;

/** Answer of a delete: its revision (the current one when nothing was deleted) and the deleted objects. */
public record DeleteResponse(long revision, List<PolicyRef> deleted) {

    static DeleteResponse of(DeleteOutcome outcome) {
        return new DeleteResponse(outcome.revision(), outcome.deleted());
    }
}
