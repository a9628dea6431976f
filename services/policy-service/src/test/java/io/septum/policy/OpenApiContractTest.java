package io.septum.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The served OpenAPI document must match the contract openapi/policy.yaml: paths, methods, operationIds,
 * parameters (where, name, whether required; declared on the path or the operation), response codes (and the
 * shared response each refers to), and for every schema its property names and required properties.
 */
@QuarkusTest
class OpenApiContractTest {

    static final Path CONTRACT = Path.of("../../openapi/policy.yaml");
    static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    @Test
    void servedDocumentMatchesTheContract() throws Exception {
        JsonNode contract = new YAMLMapper().readTree(CONTRACT.toFile());
        JsonNode served = TestNats.json().readTree(given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().asString());

        assertThat(operations(served)).as("operations (path method -> operationId parameters responses)").isEqualTo(operations(contract));
        assertThat(schemas(served)).as("schemas (name -> properties, required)").isEqualTo(schemas(contract));
        assertThat(names(served.path("components").path("responses"))).as("shared responses")
                .isEqualTo(names(contract.path("components").path("responses")));
    }

    private static Map<String, String> operations(JsonNode document) {
        Map<String, String> operations = new TreeMap<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(method -> {
            if (METHODS.contains(method.getKey())) {
                Set<String> codes = new TreeSet<>();
                method.getValue().path("responses").properties().forEach(response ->
                        codes.add(response.getKey() + response.getValue().path("$ref").asText().replace("#/components/responses/", " ")));
                Set<String> parameters = new TreeSet<>();
                for (JsonNode level : java.util.List.of(path.getValue().path("parameters"), method.getValue().path("parameters"))) {
                    level.forEach(p -> parameters.add(p.path("in").asText() + ":" + p.path("name").asText()
                            + (p.path("required").asBoolean() ? "!" : "")));
                }
                operations.put(path.getKey() + " " + method.getKey(),
                        method.getValue().path("operationId").asText() + " " + parameters + " " + codes);
            }
        }));
        return operations;
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Map<String, String> schemas(JsonNode document) {
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
}
