package io.septum.policy.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * One change to the stored policies. Revisions come from a PostgreSQL sequence, so they only grow
 * (a rolled-back write leaves a gap); writes are serialized, so a higher revision also committed later.
 */
@Entity
@Table(name = "policy_revisions")
public class PolicyRevision extends PanacheEntityBase {

    /** Constants are the stored values. */
    public enum Operation { apply, delete }

    @Id
    @SequenceGenerator(name = "policy_revision", sequenceName = "policy_revision_seq", allocationSize = 1)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "policy_revision")
    public Long revision;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Operation operation;

    /** Who made the change: the caller as the request named it, "anonymous" when it named none. */
    @Column(nullable = false)
    public String actor;

    /** The bundle source named by the apply that made this revision; null when none. */
    public String source;

    /**
     * The last sequence of the stream behind the policies bucket once this revision's bucket writes were
     * acknowledged: a node whose applied policies revision reaches it has realized this revision. Null
     * until then (and for a revision whose bucket writes failed and were redone by a rebuild).
     */
    @Column(name = "bucket_sequence")
    public Long bucketSequence;
}
