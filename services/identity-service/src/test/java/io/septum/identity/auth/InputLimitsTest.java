package io.septum.identity.auth;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.septum.identity.testing.ServiceTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static io.septum.identity.testing.Api.putNamespace;
import static org.assertj.core.api.Assertions.assertThat;

/** Every write refuses a body over the limit (413) or of another content type (415), and changes nothing. */
@QuarkusTest
class InputLimitsTest extends ServiceTest {

    @Test
    void anOversizedBodyIs413AndChangesNothing() {
        putNamespace("shop", Map.of()).statusCode(200);
        String before = given().get("/v1/endpoints").then().statusCode(200).extract().asString();
        String huge = "{\"node\": \"node-0\", \"ip\": \"10.244.0.2\", \"labels\": {\"app\": \"" + "x".repeat(5 * 1024 * 1024) + "\"}}";
        int status = given().contentType(ContentType.JSON).body(huge).put("/v1/endpoints/shop/web-1").then().extract().statusCode();
        assertThat(status).isEqualTo(413);
        assertThat(given().get("/v1/endpoints").then().statusCode(200).extract().asString()).isEqualTo(before);
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
