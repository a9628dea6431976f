package io.septum.identity.namespaces;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Map;
import java.util.TreeMap;

/** A namespace as the API shows it; its labels always include kubernetes.io/metadata.name. */
public record Namespace(@Schema(required = true) String name, @Schema(required = true) Map<String, String> labels) {

    public Namespace {
        labels = new TreeMap<>(labels);
    }
}
