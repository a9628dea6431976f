package io.septum.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.septum.model.api.OpenApiShape;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

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

    @Test
    void servedDocumentMatchesTheContract() throws Exception {
        JsonNode contract = new YAMLMapper().readTree(CONTRACT.toFile());
        JsonNode served = TestNats.json().readTree(given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().asString());

        assertThat(OpenApiShape.operations(served)).as("operations (path method -> operationId responses)")
                .isEqualTo(OpenApiShape.operations(contract));
        assertThat(OpenApiShape.parameters(served)).as("parameters (path method -> in:name, ! when required)")
                .isEqualTo(OpenApiShape.parameters(contract));
        assertThat(OpenApiShape.schemas(served)).as("schemas (name -> properties, required)").isEqualTo(OpenApiShape.schemas(contract));
        assertThat(OpenApiShape.responses(served)).as("shared responses").isEqualTo(OpenApiShape.responses(contract));
    }
}
