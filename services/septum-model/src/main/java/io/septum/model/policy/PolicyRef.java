package io.septum.model.policy;

/**
 * Names one stored policy object: its kind, namespace (empty for cluster-wide kinds) and name.
 * {@link #key()} is its key in the NATS "policies" bucket.
 */
public record PolicyRef(String kind, String namespace, String name) implements Comparable<PolicyRef> {

    public PolicyRef {
        namespace = namespace == null ? "" : namespace;
    }

    /** Key in the policies bucket: {@code <kind>.<namespace>.<name>} with kind lower-cased; "_" for no namespace. */
    public String key() {
        return kind.toLowerCase(java.util.Locale.ROOT) + "." + (namespace.isEmpty() ? "_" : namespace) + "." + name;
    }

    @Override
    public int compareTo(PolicyRef o) {
        int c = kind.compareTo(o.kind);
        if (c != 0) return c;
        c = namespace.compareTo(o.namespace);
        return c != 0 ? c : name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return kind + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
    }
}
