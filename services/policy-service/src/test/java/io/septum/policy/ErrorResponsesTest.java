package io.septum.policy;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.septum.auth.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
class ErrorResponsesTest {

    @TestHTTPResource("/v1/policies")
    URI policies;

    @Test
    void unsupportedContentTypeIs415() {
        given().contentType(ContentType.TEXT).body(Policies.yaml("a", "b", 80)).post("/v1/policies").then()
                .statusCode(415)
                .contentType(ContentType.JSON)
                .body("status", equalTo(415))
                .body("message", containsString("unsupported content type 'text/plain"))
                .body("errors", empty());
    }

    @Test
    void bodyOverTheLimitIs413() {
        String large = "# padding\n".repeat(110_000) + Policies.yaml("a", "b", 80);
        Policies.givenYaml().body(large).post("/v1/policies").then()
                .statusCode(413)
                .contentType(ContentType.JSON)
                .body("status", equalTo(413))
                .body("message", containsString("apply policies: body of"))
                .body("message", containsString("larger than the limit of 1048576 bytes"));
    }

    @Test
    void chunkedBodyOverTheLimitIs413() throws IOException {
        HttpURLConnection http = (HttpURLConnection) policies.toURL().openConnection();
        http.setRequestMethod("POST");
        http.setDoOutput(true);
        http.setChunkedStreamingMode(64 * 1024);
        http.setRequestProperty("Content-Type", "application/yaml");
        http.setRequestProperty("Authorization", "Bearer " + TestTokens.admin()); // a caller who may apply: only the size is wrong
        byte[] line = "# padding\n".getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = http.getOutputStream()) {
            for (int i = 0; i < 110_000; i++) {
                out.write(line);
            }
        }
        assertThat(http.getResponseCode()).isEqualTo(413);
        try (InputStream error = http.getErrorStream()) {
            assertThat(new String(error.readAllBytes(), StandardCharsets.UTF_8)).contains("\"status\":413");
        }
    }

    @Test
    void unknownPathsAndMethodsAnswerErrorResponses() {
        given().get("/v1/nothing").then().statusCode(404).contentType(ContentType.JSON)
                .body("status", equalTo(404)).body("message", containsString("GET /v1/nothing"));
        given().put("/v1/status").then().statusCode(405).contentType(ContentType.JSON)
                .body("status", equalTo(405));
    }
}
