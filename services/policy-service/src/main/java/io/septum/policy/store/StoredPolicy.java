package io.septum.policy.store;

import io.septum.model.kv.PolicyRecord;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * The current state of one policy object; (kind, namespace, name) is unique, {@code revision} is the
 * revision that last wrote it.
 */
@Entity
@Table(name = "policies")
public class StoredPolicy extends PolicyRow {

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The bucket value of this object. */
    public PolicyRecord toRecord() {
        return new PolicyRecord(kind, namespace, name, revision, document);
    }
}
