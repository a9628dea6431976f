package io.septum.policy.store;

/** A revision with the number of objects it changed. */
public record RevisionSummary(PolicyRevision revision, int changes) {
}
