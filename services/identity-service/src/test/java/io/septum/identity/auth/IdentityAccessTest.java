package io.septum.identity.auth;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.septum.auth.rest.VerifiedTokens;
import io.septum.auth.testing.AccessTable;
import io.septum.auth.testing.TestTokens;
import io.septum.identity.testing.ServiceTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static io.septum.auth.testing.AccessTable.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every operation of identity-service × every kind of caller → the expected status; refusals name their reason
 * and leave namespaces, endpoints (with their leases) and identities as they were. The enforcer is node-1's:
 * it registers, renews and deletes node-1's endpoints, never node-2's, and cannot take one of them over.
 * A served operation without a row fails {@link #theTableCoversEveryServedOperation}.
 */
@QuarkusTest
class IdentityAccessTest extends ServiceTest {

    private static final String JSON = "application/json";

    @Inject
    VerifiedTokens verifiedTokens;

    /** Columns: admin, policy-editor of ns-a, viewer, enforcer of node-1. */
    static AccessTable table(long identity) {
        return AccessTable.ofRoles("ns-a", "node-1")
                .row("/v1/identities post", "POST", "/v1/identities", JSON, "{\"labels\": [\"reserved:host\"]}", 200, 403, 403, 403)
                .row("/v1/identities get", "GET", "/v1/identities", 200, 200, 200, 200)
                .row("/v1/identities/lookup get", "GET", "/v1/identities/lookup?labels=reserved:host", 200, 200, 200, 200)
                .row("/v1/identities/reserved get", "GET", "/v1/identities/reserved", 200, 200, 200, 200)
                .row("/v1/identities/{id} get", "GET", "/v1/identities/" + identity, 200, 200, 200, 200)
                .row("/v1/namespaces get", "GET", "/v1/namespaces", 200, 200, 200, 200)
                .row("/v1/namespaces/{name} put", "PUT", "/v1/namespaces/ns-b", JSON, "{\"labels\": {}}", 200, 403, 403, 403)
                .row("/v1/namespaces/{name} get", "GET", "/v1/namespaces/ns-a", 200, 200, 200, 200)
                .row("/v1/namespaces/{name} delete", "DELETE", "/v1/namespaces/spare", 204, 403, 403, 403)
                .row("/v1/endpoints get", "GET", "/v1/endpoints", 200, 200, 200, 200)
                .row("/v1/endpoints/{namespace}/{pod} put", "PUT", "/v1/endpoints/ns-a/p3", JSON, endpoint("node-1", "10.244.1.3"), 200, 403, 403, 200)
                .row("/v1/endpoints/{namespace}/{pod} put", "PUT", "/v1/endpoints/ns-a/p3", JSON, endpoint("node-2", "10.244.2.3"), 200, 403, 403, 403)
                // Taking node-2's endpoint over by registering it for node-1.
                .row("/v1/endpoints/{namespace}/{pod} put", "PUT", "/v1/endpoints/ns-a/p2", JSON, endpoint("node-1", "10.244.2.2"), 200, 403, 403, 403)
                .row("/v1/endpoints/{namespace}/{pod} get", "GET", "/v1/endpoints/ns-a/p2", 200, 200, 200, 200)
                .row("/v1/endpoints/{namespace}/{pod} delete", "DELETE", "/v1/endpoints/ns-a/p1", 204, 403, 403, 204)
                .row("/v1/endpoints/{namespace}/{pod} delete", "DELETE", "/v1/endpoints/ns-a/p2", 204, 403, 403, 403)
                .row("/v1/nodes/{node}/lease put", "PUT", "/v1/nodes/node-1/lease", JSON, "{\"endpoints\": [\"ns-a/p1\"]}", 200, 403, 403, 200)
                .row("/v1/nodes/{node}/lease put", "PUT", "/v1/nodes/node-2/lease", JSON, "{\"endpoints\": [\"ns-a/p2\"]}", 200, 403, 403, 403);
    }

    private static String endpoint(String node, String ip) {
        return "{\"node\": \"" + node + "\", \"ip\": \"" + ip + "\", \"labels\": {\"app\": \"web\"}}";
    }

    @Test
    void everyOperationAnswersEveryCallerAsTheTableSays() {
        assertThat(table(seed()).check(IdentityAccessTest::seed, IdentityAccessTest::stored)).isEmpty();
    }

    @Test
    void theTableCoversEveryServedOperation() {
        assertThat(table(0).operations()).as("operations with a row in the access table").isEqualTo(AccessTable.servedOperations());
    }

    @Test
    void tokensExpiredWronglySignedOrForAnotherAudienceAreRefused() {
        seed();
        for (Map.Entry<String, String> token : AccessTable.invalidTokens().entrySet()) {
            String before = stored();
            Response response = AccessTable.send("DELETE", "/v1/endpoints/ns-a/p1", null, null, Optional.of(token.getValue()));
            assertThat(response.statusCode()).as(token.getKey() + ": " + response.asString()).isEqualTo(401);
            assertThat(AccessTable.json(response.asString()).path("message").asText()).contains("bearer token is not valid");
            assertThat(stored()).as(token.getKey()).isEqualTo(before);
        }
    }

    @Test
    void aTokenIsVerifiedOnceAndAnAlteredCopyOfItIsRefused() {
        String token = TestTokens.admin();
        long before = verifiedTokens.verifications();
        for (int i = 0; i < 3; i++) {
            assertThat(AccessTable.send("GET", "/v1/identities/reserved", null, null, Optional.of(token)).statusCode()).isEqualTo(200);
        }
        assertThat(verifiedTokens.verifications()).as("verifications of one token sent three times").isEqualTo(before + 1);

        String[] parts = token.split("\\.");
        String signedByAnother = AccessTable.invalidTokens().get("signed by another key").split("\\.")[2];
        Response altered = AccessTable.send("GET", "/v1/identities/reserved", null, null, Optional.of(parts[0] + "." + parts[1] + "." + signedByAnother));
        assertThat(altered.statusCode()).as(altered.asString()).isEqualTo(401);
    }

    /** Namespaces ns-a (p1 on node-1, p2 on node-2) and spare (empty); returns p1's identity. */
    private static long seed() {
        asAdmin().contentType(ContentType.JSON).body(Map.of("labels", Map.of())).put("/v1/namespaces/ns-a").then().statusCode(200);
        asAdmin().contentType(ContentType.JSON).body(Map.of("labels", Map.of())).put("/v1/namespaces/spare").then().statusCode(200);
        long identity = ((Number) asAdmin().contentType(ContentType.JSON).body(endpoint("node-1", "10.244.1.1"))
                .put("/v1/endpoints/ns-a/p1").then().statusCode(200).extract().path("identity.id")).longValue();
        asAdmin().contentType(ContentType.JSON).body(endpoint("node-2", "10.244.2.2")).put("/v1/endpoints/ns-a/p2").then().statusCode(200);
        return identity;
    }

    private static String stored() {
        return asAdmin().get("/v1/namespaces").then().statusCode(200).extract().asString()
                + asAdmin().get("/v1/endpoints").then().statusCode(200).extract().asString()
                + asAdmin().get("/v1/identities").then().statusCode(200).extract().asString();
    }
}
