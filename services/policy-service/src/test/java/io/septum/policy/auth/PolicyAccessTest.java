package io.septum.policy.auth;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.septum.auth.testing.AccessTable;
import io.septum.policy.Policies;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.septum.auth.testing.AccessTable.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every operation of policy-service × every kind of caller → the expected status; refusals name their reason
 * and leave the stored policies as they were. A served operation without a row fails
 * {@link #theTableCoversEveryServedOperation}: a new endpoint needs its access rule and its row here.
 */
@QuarkusTest
class PolicyAccessTest {

    private static final String YAML = "application/yaml";
    private static final int OK = 200;

    /** Columns: admin, policy-editor of team-a, viewer, enforcer of node-1. */
    static AccessTable table() {
        return AccessTable.ofRoles("team-a", "node-1")
                .row("/v1/policies post", "POST", "/v1/policies?namespace=team-a", YAML, Policies.yaml("team-a", "new", 80), OK, OK, 403, 403)
                .row("/v1/policies post", "POST", "/v1/policies", YAML,
                        Policies.documents(Policies.yaml("team-a", "new", 80), Policies.yaml("team-b", "new", 80)), OK, 403, 403, 403)
                .row("/v1/policies get", "GET", "/v1/policies", OK, OK, OK, OK)
                .row("/v1/policies delete", "DELETE", "/v1/policies?namespace=team-a", OK, OK, 403, 403)
                .row("/v1/policies delete", "DELETE", "/v1/policies?namespace=team-b", OK, 403, 403, 403)
                .row("/v1/policies delete", "DELETE", "/v1/policies", OK, 403, 403, 403)
                .row("/v1/policies/{namespace}/{name} get", "GET", "/v1/policies/team-b/b", OK, OK, OK, OK)
                .row("/v1/policies/{namespace}/{name} delete", "DELETE", "/v1/policies/team-a/a", OK, OK, 403, 403)
                .row("/v1/policies/{namespace}/{name} delete", "DELETE", "/v1/policies/team-b/b", OK, 403, 403, 403)
                .row("/v1/policies/{namespace}/{name} delete", "DELETE", "/v1/policies/_/b", 404, 403, 403, 403)
                .row("/v1/policies/{namespace}/{name}/history get", "GET", "/v1/policies/team-a/a/history", OK, OK, OK, OK)
                .row("/v1/revisions get", "GET", "/v1/revisions", OK, OK, OK, OK)
                .row("/v1/revisions/{revision} get", "GET", "/v1/revisions/999999999", 404, 404, 404, 404)
                // Without from and to: refused as input (400) once the caller is let through.
                .row("/v1/explain get", "GET", "/v1/explain", 400, 400, 400, 400)
                .row("/v1/status get", "GET", "/v1/status", OK, OK, OK, OK);
    }

    @Test
    void everyOperationAnswersEveryCallerAsTheTableSays() {
        assertThat(table().check(PolicyAccessTest::seed, PolicyAccessTest::stored)).isEmpty();
    }

    @Test
    void theTableCoversEveryServedOperation() {
        assertThat(table().operations()).as("operations with a row in the access table").isEqualTo(AccessTable.servedOperations());
    }

    @Test
    void tokensExpiredWronglySignedOrForAnotherAudienceAreRefused() {
        for (Map.Entry<String, String> token : AccessTable.invalidTokens().entrySet()) {
            seed();
            String before = stored();
            Response response = AccessTable.send("DELETE", "/v1/policies", null, null, Optional.of(token.getValue()));
            assertThat(response.statusCode()).as(token.getKey() + ": " + response.asString()).isEqualTo(401);
            assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer");
            assertThat(AccessTable.json(response.asString()).path("message").asText()).contains("bearer token is not valid");
            assertThat(stored()).as(token.getKey()).isEqualTo(before);
        }
    }

    @Test
    void healthAndTheOpenApiDocumentStayOpen() {
        assertThat(AccessTable.send("GET", "/q/health/ready", null, null, Optional.empty()).statusCode()).isEqualTo(200);
        assertThat(AccessTable.send("GET", "/q/openapi", null, null, Optional.empty()).statusCode()).isEqualTo(200);
    }

    /** team-a/a and team-b/b, nothing else. */
    private static void seed() {
        asAdmin().delete("/v1/policies").then().statusCode(200);
        AccessTable.send("POST", "/v1/policies", YAML, Policies.documents(Policies.yaml("team-a", "a", 80), Policies.yaml("team-b", "b", 80)),
                Optional.of(io.septum.auth.testing.TestTokens.admin())).then().statusCode(200);
    }

    private static String stored() {
        List<String> keys = new ArrayList<>();
        AccessTable.json(asAdmin().get("/v1/policies").then().statusCode(200).extract().asString()).path("items").forEach(i ->
                keys.add(i.path("kind").asText() + " " + i.path("namespace").asText() + "/" + i.path("name").asText() + " r" + i.path("revision").asText()));
        return String.join(", ", keys);
    }
}
