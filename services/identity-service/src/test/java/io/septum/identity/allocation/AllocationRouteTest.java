package io.septum.identity.allocation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.septum.auth.testing.AccessTable;
import io.septum.auth.testing.TestTokens;
import io.septum.identity.testing.AuditLines;
import io.septum.identity.testing.ServiceTest;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.IdentityRecord;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * POST /v1/identities has two ways in: {@link AllocationRoute} for a JSON body with a length, the JAX-RS method for
 * the rest (here: the same body sent chunked, without a length). Both must answer every body alike — status, JSON,
 * the audit line — and the route must really be the one that answers the plain case.
 */
@QuarkusTest
class AllocationRouteTest extends ServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Bodies whose answer does not depend on what was allocated before: known, reserved, every kind of bad input. */
    private static final List<String> BODIES = List.of(
            "{\"labels\":[\"reserved:host\"]}",
            "{\"labels\":[\"k8s:app=known\",\"k8s:pod-template-hash=1\"]}",
            "{\"labels\":[]}",
            "",
            "{}",
            "{\"labels\":[\"k8s:app=web!\"]}",
            "{\"labels\":[\"k8s:a=1\",\"k8s:a=2\",\"Bad:x\"]}",
            "{\"labels\":[\"reserved:host\",\"k8s:app=x\"]}",
            "{\"labels\":[\"k8s:pod-template-hash=1\"]}",
            "{\"labels\":\"k8s:app=x\"}",
            "{\"labels\":[5]}",
            "{\"labelz\":[\"k8s:app=x\"]}",
            "{\"labels\":[",
            "[1]");

    @TestHTTPResource("/v1/identities")
    URL identities;

    @Inject
    AllocationRoute route;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private record Answer(int status, JsonNode body) {
    }

    @Test
    void theRouteAndTheJaxRsMethodAnswerEveryBodyAlike() throws Exception {
        send("{\"labels\":[\"k8s:app=known\"]}", true);
        for (String body : BODIES) {
            long before = route.answered();
            Answer routed = send(body, true);
            assertThat(route.answered()).as("answered by the route: " + body).isEqualTo(before + 1);
            Answer handedOn = send(body, false);
            assertThat(route.answered()).as("handed on to JAX-RS: " + body).isEqualTo(before + 1);
            assertThat(routed).as(body).isEqualTo(handedOn);
            assertThat(routed.status).as(body).isIn(200, 400);
        }
    }

    @Test
    void aNewSetIsCreatedOnceWhicheverWayItCameAndEachChangeIsAudited() throws Exception {
        List<String> audit;
        try (AuditLines lines = AuditLines.capture()) {
            for (boolean routeFirst : List.of(true, false)) {
                String body = "{\"labels\":[\"k8s:app=new-" + routeFirst + "\"]}";
                Answer first = send(body, routeFirst);
                Answer second = send(body, !routeFirst);
                assertThat(first.status).isEqualTo(201);
                assertThat(second).isEqualTo(new Answer(200, first.body));
                assertThat(first.body.path("id").asInt()).isGreaterThanOrEqualTo(256);
                assertThat(first.body.path("labels").toString()).isEqualTo("[\"k8s:app=new-" + routeFirst + "\"]");
                assertThat(kv.get(Buckets.IDENTITIES, IdentityRecord.key(first.body.path("id").asInt()), IdentityRecord.class))
                        .as("in the bucket when answered").isNotNull();
            }
            audit = lines.lines();
        }
        String line = "subject=test-admin roles=[septum-admin] operation=allocateIdentity object=POST /v1/identities";
        assertThat(audit).containsExactly("changed status=201 " + line, "changed status=200 " + line,
                "changed status=201 " + line, "changed status=200 " + line);
    }

    @Test
    void anInvalidTokenIsAnsweredByTheJaxRsMethodAsEveryRefusalIs() throws Exception {
        String body = "{\"labels\":[\"k8s:app=known\"]}";
        long before = route.answered();
        Answer refused = send(body, true, AccessTable.invalidTokens().get("expired"));
        assertThat(refused.status).isEqualTo(401);
        assertThat(refused.body.path("status").asInt()).as("an ErrorResponse, not an empty 401").isEqualTo(401);
        assertThat(route.answered()).as("handed on").isEqualTo(before);
    }

    /** POST /v1/identities as admin: with a Content-Length (the route's case) or chunked (JAX-RS's). */
    private Answer send(String body, boolean withLength) throws Exception {
        return send(body, withLength, TestTokens.admin());
    }

    private Answer send(String body, boolean withLength, String token) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher publisher = withLength ? HttpRequest.BodyPublishers.ofByteArray(bytes)
                : HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes));
        HttpRequest request = HttpRequest.newBuilder(URI.create(identities.toString()))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .POST(publisher).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }
}
