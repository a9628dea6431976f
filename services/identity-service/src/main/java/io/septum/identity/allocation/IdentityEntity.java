package io.septum.identity.allocation;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.septum.model.labels.Labels;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.Arrays;

/**
 * A row of the identity table. Rows are only ever inserted by the database function allocate_identity (and the
 * reserved ones at start-up), never through Hibernate, so that concurrent callers cannot disagree.
 */
@Entity
@Table(name = "identity")
public class IdentityEntity extends PanacheEntityBase {

    /** Separates the label texts in the canonical column; no valid label text contains it. */
    static final String SEPARATOR = ";";

    @Id
    public Integer id;

    /** The canonical text of the label set: {@link Labels#toString()}. */
    @Column(nullable = false, updatable = false)
    public String labels;

    static String canonical(Labels labels) {
        return labels.toString();
    }

    public Labels labelSet() {
        return Labels.parse(Arrays.asList(labels.split(SEPARATOR)));
    }
}
