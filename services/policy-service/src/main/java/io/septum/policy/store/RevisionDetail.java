package io.septum.policy.store;

import java.util.List;

/** A revision with (some of) the changes it made: all of them, or in a history the one of the object asked for. */
public record RevisionDetail(PolicyRevision revision, List<PolicyChange> changes) {

    public RevisionDetail {
        changes = List.copyOf(changes);
    }
}
