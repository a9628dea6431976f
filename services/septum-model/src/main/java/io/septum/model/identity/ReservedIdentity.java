package io.septum.model.identity;

import io.septum.model.labels.Label;
import io.septum.model.labels.Labels;

import java.util.Optional;

/** The reserved identities 1–8; their numbers are fixed cluster-wide and never allocated. */
public enum ReservedIdentity {
    HOST(1, "host"),
    WORLD(2, "world"),
    UNMANAGED(3, "unmanaged"),
    HEALTH(4, "health"),
    INIT(5, "init"),
    REMOTE_NODE(6, "remote-node"),
    KUBE_APISERVER(7, "kube-apiserver"),
    INGRESS(8, "ingress");

    private final NumericIdentity id;
    private final String entityName;

    ReservedIdentity(int id, String entityName) {
        this.id = NumericIdentity.of(id);
        this.entityName = entityName;
    }

    public NumericIdentity id() {
        return id;
    }

    /** The entity name policies use (fromEntities: [world]). */
    public String entityName() {
        return entityName;
    }

    /** The single label {@code reserved:<name>} that identifies this identity. */
    public Labels labels() {
        return Labels.of(new Label(Label.SOURCE_RESERVED, entityName, ""));
    }

    public static Optional<ReservedIdentity> byId(int id) {
        for (ReservedIdentity r : values()) {
            if (r.id.value() == id) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    public static Optional<ReservedIdentity> byEntityName(String name) {
        for (ReservedIdentity r : values()) {
            if (r.entityName.equals(name)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
