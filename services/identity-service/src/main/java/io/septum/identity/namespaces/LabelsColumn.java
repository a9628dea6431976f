package io.septum.identity.namespaces;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Kubernetes labels as a jsonb column stores them (namespace.labels, endpoint.labels): one JSON object key → value. */
public final class LabelsColumn {

    private LabelsColumn() {
    }

    public static JsonObject write(Map<String, String> labels) {
        return new JsonObject(new LinkedHashMap<>(labels));
    }

    public static Map<String, String> read(JsonObject column) {
        Map<String, String> out = new TreeMap<>();
        column.forEach(entry -> out.put(entry.getKey(), String.valueOf(entry.getValue())));
        return out;
    }
}
