package io.septum.model.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The shape of an OpenAPI document that a service's contract test compares between the served document and the
 * contract in openapi/: operations (path and method → operationId and response codes, with the shared response each
 * refers to), their parameters (where, name, whether required), schemas (name → property names and required ones), and the names of shared responses.
 */
public final class OpenApiShape {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    private OpenApiShape() {
    }

    public static Map<String, String> operations(JsonNode document) {
        Map<String, String> operations = new TreeMap<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(method -> {
            if (METHODS.contains(method.getKey())) {
                Set<String> codes = new TreeSet<>();
                method.getValue().path("responses").properties().forEach(response ->
                        codes.add(response.getKey() + response.getValue().path("$ref").asText().replace("#/components/responses/", " ")));
                operations.put(path.getKey() + " " + method.getKey(), method.getValue().path("operationId").asText() + " " + codes);
            }
        }));
        return operations;
    }

    /**
     * Path and method → the operation's parameters as {@code in:name}, with {@code !} when required; parameters
     * declared on the path count for each of its operations, as OpenAPI defines.
     */
    public static Map<String, Set<String>> parameters(JsonNode document) {
        Map<String, Set<String>> parameters = new TreeMap<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(method -> {
            if (METHODS.contains(method.getKey())) {
                Set<String> names = new TreeSet<>();
                for (JsonNode level : List.of(path.getValue().path("parameters"), method.getValue().path("parameters"))) {
                    level.forEach(p -> names.add(p.path("in").asText() + ":" + p.path("name").asText() + (p.path("required").asBoolean() ? "!" : "")));
                }
                parameters.put(path.getKey() + " " + method.getKey(), names);
            }
        }));
        return parameters;
    }

    public static Map<String, String> schemas(JsonNode document) {
        Map<String, String> schemas = new TreeMap<>();
        document.path("components").path("schemas").properties().forEach(schema -> {
            Set<String> properties = new TreeSet<>();
            schema.getValue().path("properties").fieldNames().forEachRemaining(properties::add);
            Set<String> required = new TreeSet<>();
            schema.getValue().path("required").forEach(r -> required.add(r.asText()));
            schemas.put(schema.getKey(), "properties " + properties + " required " + required);
        });
        return schemas;
    }

    public static Set<String> responses(JsonNode document) {
        Set<String> names = new TreeSet<>();
        document.path("components").path("responses").fieldNames().forEachRemaining(names::add);
        return names;
    }
}
