package io.septum.identity.namespaces;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.util.Map;

/** A row of the namespace table: its name and labels (kubernetes.io/metadata.name included). */
@Entity
@Table(name = "namespace")
public class NamespaceEntity extends PanacheEntityBase {

    @Id
    public String name;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, String> labels;

    /**
     * The namespace, locked against label changes and deletion until the transaction ends: an endpoint written
     * meanwhile gets the identity of the namespace's current labels, and no endpoint lands in a deleted namespace.
     */
    public static Uni<NamespaceEntity> findForShare(String name) {
        return findById(name, LockModeType.PESSIMISTIC_READ);
    }

    /** The namespace, locked for a change of its labels or its deletion. */
    static Uni<NamespaceEntity> findForUpdate(String name) {
        return findById(name, LockModeType.PESSIMISTIC_WRITE);
    }
}
