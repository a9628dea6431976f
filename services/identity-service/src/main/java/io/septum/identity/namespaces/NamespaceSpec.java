package io.septum.identity.namespaces;

import java.util.Map;

/** The body of PUT /v1/namespaces/{name}: the namespace's labels (none when absent). */
public record NamespaceSpec(Map<String, String> labels) {

    public NamespaceSpec {
        labels = labels == null ? Map.of() : labels;
    }
}
