package io.septum.policy.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;

/**
 * What one revision did to one object: the history, never rewritten. {@code document} is the object's
 * document from this revision on, null when the revision deleted it.
 */
@Entity
@Table(name = "policy_changes")
public class PolicyChange extends PolicyRow {

    /** Constants are the stored values. */
    public enum Action { created, updated, deleted }

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Action action;

    static PolicyChange of(long revision, StoredPolicy policy, Action action) {
        PolicyChange change = new PolicyChange();
        change.revision = revision;
        change.kind = policy.kind;
        change.namespace = policy.namespace;
        change.name = policy.name;
        change.action = action;
        change.source = policy.source;
        change.document = action == Action.deleted ? null : policy.document;
        return change;
    }
}
