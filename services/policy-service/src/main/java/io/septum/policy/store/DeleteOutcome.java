package io.septum.policy.store;

import io.septum.model.policy.PolicyRef;

import java.util.List;

/** What a delete did: the new revision and the deleted objects, or the current revision and none. */
public record DeleteOutcome(long revision, List<PolicyRef> deleted) {

    public DeleteOutcome {
        deleted = List.copyOf(deleted);
    }
}
