package io.septum.flows.auth;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.septum.auth.testing.AccessTable;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every operation of flow-service × every kind of caller: all are reads, open to every role (metrics too: a
 * scraper sends a viewer token), none without a token. A served operation without a row fails
 * {@link #theTableCoversEveryServedOperation}.
 */
@QuarkusTest
class FlowAccessTest {

    private static final int OK = 200;

    /** Columns: admin, policy-editor of x, viewer, enforcer of node-1. */
    static AccessTable table() {
        return AccessTable.ofRoles("x", "node-1")
                .row("/v1/flows get", "GET", "/v1/flows?last=1", OK, OK, OK, OK)
                // A follow with a bad filter answers at once (400) once the caller is let through, instead of streaming.
                .row("/v1/flows/follow get", "GET", "/v1/flows/follow?verdict=NOPE", 400, 400, 400, 400)
                .row("/v1/servicemap get", "GET", "/v1/servicemap", OK, OK, OK, OK)
                .row("/v1/status get", "GET", "/v1/status", OK, OK, OK, OK)
                .row("/metrics get", "GET", "/metrics", OK, OK, OK, OK);
    }

    @Test
    void everyOperationAnswersEveryCallerAsTheTableSays() {
        assertThat(table().check(() -> { }, () -> "")).isEmpty();
    }

    @Test
    void theTableCoversEveryServedOperation() {
        assertThat(table().operations()).as("operations with a row in the access table").isEqualTo(AccessTable.servedOperations());
    }

    @Test
    void tokensExpiredWronglySignedOrForAnotherAudienceAreRefused() {
        for (Map.Entry<String, String> token : AccessTable.invalidTokens().entrySet()) {
            Response response = AccessTable.send("GET", "/v1/status", null, null, Optional.of(token.getValue()));
            assertThat(response.statusCode()).as(token.getKey() + ": " + response.asString()).isEqualTo(401);
        }
    }
}
