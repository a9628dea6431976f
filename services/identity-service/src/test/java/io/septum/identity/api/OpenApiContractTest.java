package io.septum.identity.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The served API is the one openapi/identity.yaml specifies: same operations (path, method, operationId,
 * parameters, response codes) and same schemas (names, properties, required properties).
 */
@QuarkusTest
class OpenApiContractTest {

    private static final Path CONTRACT = Path.of("../../openapi/identity.yaml");
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
    /** Records of septum-model carry no OpenAPI annotations, so the served spec cannot mark their required fields. */
    private static final Set<String> MODEL_SCHEMAS = Set.of("ErrorResponse", "FieldError", "NamedPort");

    @Test
    void servedOperationsAreTheContractsOperations() throws IOException {
        assertThat(operations(served())).isEqualTo(operations(contract()));
    }

    @Test
    void servedSchemasAreTheContractsSchemas() throws IOException {
        assertThat(schemas(served())).isEqualTo(schemas(contract()));
        assertThat(names(served().path("components").path("responses")))
                .isEqualTo(names(contract().path("components").path("responses")));
    }

    private static JsonNode contract() throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(CONTRACT.toFile());
    }

    private static JsonNode served() throws IOException {
        return new ObjectMapper().readTree(given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .extract().asString());
    }

    /** "METHOD path" → "operationId params=[in:name…] responses=[codes]", path-level parameters folded in. */
    private static TreeMap<String, String> operations(JsonNode spec) {
        TreeMap<String, String> out = new TreeMap<>();
        spec.path("paths").properties().forEach(path -> {
            TreeSet<String> shared = parameters(path.getValue().path("parameters"));
            path.getValue().properties().forEach(op -> {
                if (!METHODS.contains(op.getKey())) {
                    return;
                }
                TreeSet<String> params = new TreeSet<>(shared);
                params.addAll(parameters(op.getValue().path("parameters")));
                out.put(op.getKey().toUpperCase() + " " + path.getKey(), op.getValue().path("operationId").asText()
                        + " params=" + params + " responses=" + names(op.getValue().path("responses")));
            });
        });
        return out;
    }

    private static TreeSet<String> parameters(JsonNode list) {
        TreeSet<String> out = new TreeSet<>();
        list.forEach(p -> out.add(p.path("in").asText() + ":" + p.path("name").asText()));
        return out;
    }

    /** schema name → "properties=[…] required=[…]". */
    private static TreeMap<String, String> schemas(JsonNode spec) {
        TreeMap<String, String> out = new TreeMap<>();
        spec.path("components").path("schemas").properties().forEach(schema -> {
            TreeSet<String> required = new TreeSet<>();
            if (!MODEL_SCHEMAS.contains(schema.getKey())) {
                schema.getValue().path("required").forEach(r -> required.add(r.asText()));
            }
            out.put(schema.getKey(), "properties=" + names(schema.getValue().path("properties")) + " required=" + required);
        });
        return out;
    }

    private static TreeSet<String> names(JsonNode object) {
        TreeSet<String> out = new TreeSet<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
