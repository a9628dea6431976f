package io.septum.identity.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.septum.auth.Role;
import io.septum.auth.testing.AccessTable;
import io.septum.auth.testing.TestTokens;
import io.septum.auth.token.TokenClaims;
import io.septum.identity.testing.Api;
import io.septum.identity.testing.AuditLines;
import io.septum.identity.testing.ServiceTest;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.IpcacheRecord;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PUT and DELETE /v1/endpoints/{namespace}/{pod} have two ways in: {@link EndpointRoute} for the plain case, the JAX-RS
 * method for the rest (here: a PUT body sent chunked, without a length; a DELETE with a content type). Every case below
 * runs both ways from the same state, and both must answer alike — status, content type, JSON (but the lease's end,
 * which follows the clock, and the identity's number, which the sequence gives anew after each reset) — leave the same
 * endpoints and ipcache entries behind, and write the same audit lines (before answering). The state is seeded anew
 * after every change. The route must answer every case but the
 * refusals (401, 403), which it hands on, a PUT with the body it already read.
 */
@QuarkusTest
class EndpointRouteTest extends ServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = TestTokens.admin();
    private static final String NODE_1 = TestTokens.mint(TokenClaims.enforcer("node-1", Duration.ofHours(1)));
    private static final String NODE_2 = TestTokens.mint(TokenClaims.enforcer("node-2", Duration.ofHours(1)));
    private static final String VIEWER = TestTokens.mint(new TokenClaims("viewer", Set.of(Role.VIEWER), List.of(), Optional.empty(),
            Duration.ofHours(1)));
    private static final String EXPIRED = AccessTable.invalidTokens().get("expired");

    /** A request, as the route would take it. */
    private record Case(String method, String path, String token, String body) {
    }

    private record Answer(int status, String contentType, JsonNode body) {
    }

    /** What a request left behind: its answer, the endpoints and ipcache entries, the audit lines. */
    private record Outcome(Answer answer, List<String> endpoints, List<String> ipcache, List<String> audit) {
    }

    private static final List<Case> CASES = List.of(
            // registrations: new, updated (moved address), by admin, by the node's enforcer
            put("ns-a/p3", NODE_1, endpoint("node-1", "10.244.1.3")),
            put("ns-a/p1", NODE_1, endpoint("node-1", "10.244.1.9")),
            put("ns-a/p1", NODE_1, endpoint("node-1", "10.244.1.1")),
            put("ns-a/p2", ADMIN, endpoint("node-1", "10.244.2.2")),
            put("ns-a/p3", ADMIN, "{\"node\":\"node-2\",\"ip\":\"10.244.2.3\",\"labels\":{\"app\":\"db\",\"pod-template-hash\":\"x\"},"
                    + "\"namedPorts\":[{\"name\":\"http\",\"port\":80},{\"name\":\"dns\",\"port\":53,\"protocol\":\"UDP\"}]}"),
            // refusals of the operation: no namespace, address taken, invalid path and bodies
            put("ns-b/p3", ADMIN, endpoint("node-1", "10.244.1.3")),
            put("ns-a/p3", NODE_1, endpoint("node-1", "10.244.1.1")),
            put("ns-a/Bad_Pod", ADMIN, endpoint("node-1", "10.244.1.3")),
            put("ns-a/p3", NODE_1, ""),
            put("ns-a/p3", NODE_1, "{}"),
            put("ns-a/p3", NODE_1, "{\"node\":\"node-1\"}"),
            put("ns-a/p3", NODE_1, "{\"node\":\"node-1\",\"ip\":\"10.244.1.300\",\"labels\":{\"app\":\"web!\"}}"),
            put("ns-a/p3", NODE_1, "{\"node\":5,\"ip\":\"10.244.1.3\"}"),
            put("ns-a/p3", NODE_1, "{\"node\":\"node-1\",\"ip\":\"10.244.1.3\",\"nodes\":1}"),
            put("ns-a/p3", NODE_1, "{\"node\":\"node-1\",\"ip\":\"10.244.1.3\",\"namedPorts\":[{\"name\":\"-x\",\"port\":0,\"protocol\":\"ICMP\"},null]}"),
            put("ns-a/p3", NODE_1, "{\"node\":\"node-1\",\"ip\":\"10.244.1.3\",\"labels\":{\"app\":7}}"),
            put("ns-a/p3", NODE_1, "{\"node\":"),
            put("ns-a/p3", NODE_1, "[1]"),
            // refusals of the caller, which JAX-RS answers: another node in the body, taking another node's endpoint
            // over, a role the rule does not list, no token, an invalid token
            put("ns-a/p3", NODE_1, endpoint("node-2", "10.244.2.3")),
            put("ns-a/p2", NODE_1, endpoint("node-1", "10.244.1.2")),
            put("ns-a/p3", VIEWER, endpoint("node-1", "10.244.1.3")),
            put("ns-a/p3", null, endpoint("node-1", "10.244.1.3")),
            put("ns-a/p3", EXPIRED, endpoint("node-1", "10.244.1.3")),
            // deletions
            delete("ns-a/p1", NODE_1),
            delete("ns-a/p2", ADMIN),
            delete("ns-a/p9", NODE_1),
            delete("ns-b/p1", ADMIN),
            delete("ns-a/p2", NODE_1),
            delete("ns-a/p1", NODE_2),
            delete("ns-a/p1", VIEWER),
            delete("ns-a/p1", null),
            delete("ns-a/p1", EXPIRED));

    @TestHTTPResource("/v1/endpoints/")
    URL endpoints;

    @Inject
    EndpointRoute route;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void theRoutesAndTheJaxRsMethodsAnswerEveryCaseAlike() throws Exception {
        seed();
        for (Case c : CASES) {
            String what = c.method + " " + c.path + " " + c.body + " as " + subject(c.token);
            long before = route.answered();
            Outcome routed = run(c, true);
            boolean refused = routed.answer.status == 401 || routed.answer.status == 403;
            assertThat(route.answered()).as("answered by the route (refusals handed on): " + what).isEqualTo(before + (refused ? 0 : 1));
            boolean changed = routed.answer.status < 300;
            if (changed) {
                seed();
            }
            before = route.answered();
            Outcome handedOn = run(c, false);
            assertThat(route.answered()).as("handed on to JAX-RS: " + what).isEqualTo(before);
            assertThat(routed).as(what).isEqualTo(handedOn);
            if (changed) {
                seed();
            }
        }
    }

    @Test
    void theRouteAnswersTheEnforcersPlainCase() throws Exception {
        seed();
        long before = route.answered();
        Outcome put = run(put("ns-a/p3", NODE_1, endpoint("node-1", "10.244.1.3")), true);
        assertThat(put.answer.status).isEqualTo(200);
        assertThat(put.endpoints).contains("ns-a/p3 node-1 10.244.1.3 [k8s:app=web, "
                + "k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=ns-a, k8s:io.kubernetes.pod.namespace=ns-a]");
        assertThat(put.ipcache).contains("10.244.1.3/32 node-1 ns-a/p3");
        assertThat(put.audit).containsExactly("changed status=200 subject=enforcer:node-1 roles=[enforcer] "
                + "operation=putEndpoint object=PUT /v1/endpoints/ns-a/p3");
        Outcome delete = run(delete("ns-a/p3", NODE_1), true);
        assertThat(delete.answer).isEqualTo(new Answer(204, null, null));
        assertThat(delete.endpoints).noneMatch(e -> e.startsWith("ns-a/p3 "));
        assertThat(delete.ipcache).noneMatch(e -> e.startsWith("10.244.1.3/32 "));
        assertThat(delete.audit).containsExactly("changed status=204 subject=enforcer:node-1 roles=[enforcer] "
                + "operation=deleteEndpoint object=DELETE /v1/endpoints/ns-a/p3");
        assertThat(route.answered()).isEqualTo(before + 2);
    }

    /** Namespace ns-a; endpoints ns-a/p1 of node-1 and ns-a/p2 of node-2. */
    private void seed() {
        state.reset();
        Api.putNamespace("ns-a", Map.of()).statusCode(200);
        Api.putEndpoint("ns-a", "p1", "node-1", "10.244.1.1", Map.of("app", "web")).statusCode(200);
        Api.putEndpoint("ns-a", "p2", "node-2", "10.244.2.2", Map.of("app", "db")).statusCode(200);
    }

    private Outcome run(Case c, boolean plain) throws Exception {
        Answer answer;
        List<String> audit;
        try (AuditLines lines = AuditLines.capture()) {
            answer = send(c, plain);
            audit = lines.lines();
        }
        return new Outcome(answer, storedEndpoints(), ipcache(), audit);
    }

    /** The case's request: plain (the route's case), or a PUT's body chunked and a DELETE with a content type (JAX-RS's). */
    private Answer send(Case c, boolean plain) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoints + c.path));
        if (c.token != null) {
            request.header("Authorization", "Bearer " + c.token);
        }
        if (c.body != null) {
            byte[] bytes = c.body.getBytes(StandardCharsets.UTF_8);
            request.header("Content-Type", "application/json").PUT(plain ? HttpRequest.BodyPublishers.ofByteArray(bytes)
                    : HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)));
        } else {
            if (!plain) {
                request.header("Content-Type", "application/json");
            }
            request.DELETE();
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = response.body().isEmpty() ? null : JSON.readTree(response.body());
        if (body instanceof ObjectNode object && object.has("leaseExpiresAt")) {
            assertThat(Instant.parse(object.remove("leaseExpiresAt").asText())).isAfter(Instant.now());
            assertThat(object.path("identity").path("id").asInt()).isGreaterThanOrEqualTo(256);
            ((ObjectNode) object.path("identity")).remove("id");
        }
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null), body);
    }

    /** Every endpoint as "namespace/pod node ip [identity labels]". */
    private List<String> storedEndpoints() throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode e : JSON.readTree(given().get("/v1/endpoints?limit=1000").then().statusCode(200).extract().asString()).path("items")) {
            out.add(e.path("namespace").asText() + "/" + e.path("pod").asText() + " " + e.path("node").asText() + " "
                    + e.path("ip").asText() + " " + e.path("identity").path("labels").toString().replace("\"", "").replace(",", ", "));
        }
        return out;
    }

    /** The ipcache bucket as "prefix node namespace/pod". */
    private List<String> ipcache() {
        List<String> out = new ArrayList<>();
        for (String key : kv.keys(Buckets.IPCACHE)) {
            IpcacheRecord record = kv.get(Buckets.IPCACHE, key, IpcacheRecord.class);
            out.add(record.prefix() + " " + record.node() + " " + record.namespace() + "/" + record.pod());
        }
        out.sort(null);
        return out;
    }

    private static Case put(String path, String token, String body) {
        return new Case("PUT", path, token, body);
    }

    private static Case delete(String path, String token) {
        return new Case("DELETE", path, token, null);
    }

    private static String endpoint(String node, String ip) {
        return "{\"node\":\"" + node + "\",\"ip\":\"" + ip + "\",\"labels\":{\"app\":\"web\"}}";
    }

    private static String subject(String token) {
        if (token == null) {
            return "nobody";
        }
        return token.equals(ADMIN) ? "admin" : token.equals(NODE_1) ? "node-1" : token.equals(NODE_2) ? "node-2"
                : token.equals(VIEWER) ? "viewer" : "an expired token";
    }
}
