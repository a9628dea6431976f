package io.septum.policy.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.septum.model.policy.PolicyRef;
import jakarta.persistence.Column;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** The columns every row about one policy object has: which object, which revision, which document. */
@MappedSuperclass
public abstract class PolicyRow extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String kind;

    /** Empty for cluster-wide kinds. */
    @Column(nullable = false)
    public String namespace;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public long revision;

    /** The validated, normalized document, exactly as distributed (stored as json: key order kept). */
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode document;

    /** The bundle source that owns the object (see {@link ApplyRequest#source()}); null when none does. */
    public String source;

    public PolicyRef ref() {
        return new PolicyRef(kind, namespace, name);
    }
}
