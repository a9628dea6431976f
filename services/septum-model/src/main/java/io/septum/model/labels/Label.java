package io.septum.model.labels;

import java.util.Objects;

/**
 * One identity label: a source ({@code k8s}, {@code reserved}, {@code cidr}, …), a key and a value.
 * Its text form is {@code source:key=value}, as Cilium writes labels; Kubernetes keys never contain ':',
 * so the first ':' separates the source.
 */
public record Label(String source, String key, String value) implements Comparable<Label> {

    public static final String SOURCE_K8S = "k8s";
    public static final String SOURCE_RESERVED = "reserved";
    public static final String SOURCE_CIDR = "cidr";
    /** A node's labels on its host endpoint, which a cluster-wide policy's nodeSelector selects. */
    public static final String SOURCE_NODE = "node";
    /** Matches any source in a selector; never the source of a label itself. */
    public static final String SOURCE_ANY = "any";

    public Label {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(key, "key");
        value = value == null ? "" : value;
        if (source.isEmpty() || source.contains(":")) {
            throw new IllegalArgumentException("label source '" + source + "' must be non-empty and contain no ':'");
        }
        if (key.isEmpty()) {
            throw new IllegalArgumentException("label key must not be empty");
        }
    }

    public static Label k8s(String key, String value) {
        return new Label(SOURCE_K8S, key, value);
    }

    /** Parses {@code source:key=value}, {@code source:key} or {@code key=value} (source k8s). */
    public static Label parse(String text) {
        int eq = text.indexOf('=');
        String head = eq < 0 ? text : text.substring(0, eq);
        String value = eq < 0 ? "" : text.substring(eq + 1);
        int colon = head.indexOf(':');
        if (colon < 0) {
            return new Label(SOURCE_K8S, head, value);
        }
        return new Label(head.substring(0, colon), head.substring(colon + 1), value);
    }

    /** {@code source:key}, the form selectors use. */
    public String qualifiedKey() {
        return source + ":" + key;
    }

    @Override
    public String toString() {
        return value.isEmpty() ? qualifiedKey() : qualifiedKey() + "=" + value;
    }

    @Override
    public int compareTo(Label o) {
        int c = source.compareTo(o.source);
        if (c != 0) return c;
        c = key.compareTo(o.key);
        return c != 0 ? c : value.compareTo(o.value);
    }
}
