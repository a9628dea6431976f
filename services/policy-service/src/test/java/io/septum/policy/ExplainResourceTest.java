package io.septum.policy;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** GET /v1/explain rejects bad requests naming the parameter; the verdicts are tested in ExplainerTest and in the lab. */
@QuarkusTest
class ExplainResourceTest {

    @Test
    void everyBadParameterIsA400NamingIt() {
        given().get("/v1/explain?to=x/b&port=80").then().statusCode(400)
                .body("message", containsString("query parameter from: required"));
        given().get("/v1/explain?from=x/a&port=80").then().statusCode(400)
                .body("message", containsString("query parameter to: required"));
        given().get("/v1/explain?from=x/a&to=x/b&port=0").then().statusCode(400)
                .body("message", containsString("query parameter port '0' must be a whole number from 1 to 65535"));
        given().get("/v1/explain?from=x/a&to=x/b").then().statusCode(400)
                .body("message", containsString("query parameter port"));
        given().get("/v1/explain?from=x/a&to=x/b&port=80&protocol=ICMP").then().statusCode(400)
                .body("status", equalTo(400))
                .body("message", containsString("query parameter protocol 'ICMP'"));
    }
}
