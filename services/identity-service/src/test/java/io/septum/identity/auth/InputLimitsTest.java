package io.septum.identity.auth;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.septum.auth.testing.TestTokens;
import io.septum.identity.testing.ServiceTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static io.septum.identity.testing.Api.putNamespace;
import static org.assertj.core.api.Assertions.assertThat;

/** Every write refuses a body over the limit (413) or of another content type (415), and changes nothing. */
@QuarkusTest
class InputLimitsTest extends ServiceTest {

    @Test
    void anOversizedBodyIs413AndChangesNothing() throws Exception {
        putNamespace("shop", Map.of()).statusCode(200);
        String before = given().get("/v1/endpoints").then().statusCode(200).extract().asString();
        String huge = "{\"node\": \"node-0\", \"ip\": \"10.244.0.2\", \"labels\": {\"app\": \"" + "x".repeat(5 * 1024 * 1024) + "\"}}";
        HttpResponse<String> refused = putExpectingContinue("/v1/endpoints/shop/web-1", huge);
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(refused.body()).contains("\"status\":413")
                .contains("PUT /v1/endpoints/shop/web-1: body of " + huge.length() + " bytes is larger than the limit of 4194304 bytes");
        assertThat(given().get("/v1/endpoints").then().statusCode(200).extract().asString()).isEqualTo(before);
    }

    /**
     * Sends as a client of large bodies should: with "Expect: 100-continue", so the service can refuse the body
     * before it is sent. (Writing all 5 MB first races the server closing the connection after its 413.)
     */
    private static HttpResponse<String> putExpectingContinue(String path, String body) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + path))
                    .expectContinue(true)
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + TestTokens.admin())
                    .PUT(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void aBodyThatIsNotJsonIs415AndChangesNothing() {
        putNamespace("shop", Map.of()).statusCode(200);
        for (String path : new String[]{"/v1/endpoints/shop/web-1", "/v1/namespaces/other", "/v1/nodes/node-0/lease"}) {
            given().contentType(ContentType.TEXT).body("node: node-0").put(path).then().statusCode(415);
        }
        given().contentType(ContentType.TEXT).body("{\"labels\": [\"k8s:app=web\"]}").post("/v1/identities").then().statusCode(415);
        given().get("/v1/endpoints").then().statusCode(200).body("items.size()", org.hamcrest.Matchers.equalTo(0));
        given().get("/v1/namespaces/other").then().statusCode(404);
    }
}
