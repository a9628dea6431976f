package io.septum.it.tracing;

import com.fasterxml.jackson.databind.JsonNode;
import io.septum.it.ControlPlane;
import io.septum.it.SeptumCommand;
import io.septum.it.SharedControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One trace per policy change, across processes: a NetworkPolicy applied through policy-service's REST API
 * (a policy-service of this test's own, tracing on) reaches the lab's enforcer (tracing on) through the NATS
 * bucket, and both export to a real Zipkin v2 endpoint. The trace must hold policy-service's "policy apply",
 * its bucket publish, and the enforcer's receive, compute and map write, linked parent to child. (Zipkin's
 * encoding lower-cases span names; those compared here are lower-case already.)
 */
@Tag("privileged")
@ExtendWith(SharedControlPlane.class)
class PolicyTracePrivilegedTest {

    private static final int PORT = 18092;
    private static final String POLICY = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: traced-backend, namespace: default}
            spec:
              podSelector: {matchLabels: {app: backend}}
              ingress:
                - from: [{podSelector: {matchLabels: {app: frontend}}}]
              policyTypes: [Ingress]
            """;

    private static ZipkinReceiver zipkin;
    private static ControlPlane traced;
    /** Set once this class has started on the lab: a failed start leaves the lab (maybe another run's) alone. */
    private static boolean labTouched;

    @BeforeAll
    static void start() throws Exception {
        zipkin = new ZipkinReceiver();
        traced = ControlPlane.tracedPolicyService(PORT, "septum_policy_trace_it", zipkin.endpoint());
        labTouched = true;
        SeptumCommand.run("lab", "down");
        SeptumCommand.ok("policy", "delete", "--all");
        SeptumCommand.okWith(Map.of("SEPTUM_ZIPKIN_ENDPOINT", zipkin.endpoint()), "lab", "up", "-f", "infra/lab/demo.yaml");
        SeptumCommand.ok("policy", "wait", "--timeout", "60s");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (traced != null) {
                send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/v1/policies/default/traced-backend")).DELETE());
            }
            if (labTouched) {
                SeptumCommand.run("lab", "down");
            }
        } finally {
            if (traced != null) {
                traced.close();
            }
            if (zipkin != null) {
                zipkin.close();
            }
        }
    }

    @Test
    void aPolicyChangeIsOneTraceFromTheRestCallToTheMapWrite() throws Exception {
        HttpResponse<String> applied = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/v1/policies"))
                .header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(POLICY)));
        assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);

        JsonNode apply = await("policy-service's apply span", () -> zipkin.spans().stream()
                .filter(s -> "policy apply".equals(s.path("name").asText()))
                .filter(s -> "default/traced-backend".equals(s.path("tags").path("septum.policy").asText()))
                .findFirst());
        String traceId = apply.path("traceId").asText();
        JsonNode mapWrite = await("the enforcer's map write span in trace " + traceId, () -> named(traceId, "enforcer map write"));
        List<JsonNode> trace = zipkin.trace(traceId);

        assertThat(apply.path("localEndpoint").path("serviceName").asText()).isEqualTo("policy-service");
        JsonNode distribute = child(trace, apply, "policy distribute");
        JsonNode publish = child(trace, distribute, "policy publish");
        assertThat(publish.path("kind").asText()).isEqualTo("PRODUCER");
        assertThat(publish.path("tags").path("messaging.destination.name").asText()).isEqualTo("$KV.policies.networkpolicy.default.traced-backend");
        child(trace, apply, "policy store");

        JsonNode receive = child(trace, publish, "enforcer receive");
        assertThat(receive.path("localEndpoint").path("serviceName").asText()).isEqualTo("node-enforcer");
        assertThat(receive.path("tags").path("septum.node").asText()).isEqualTo("node-0");
        JsonNode compute = child(trace, receive, "enforcer compute");
        assertThat(compute.path("tags").path("septum.endpoints.changed").asInt()).as("backend's policy changes").isEqualTo(1);
        assertThat(mapWrite.path("parentId").asText()).isEqualTo(receive.path("id").asText());
        assertThat(mapWrite.path("tags").path("septum.policy.puts").asInt()).as("entries written for backend").isPositive();
        // The map write follows the compute; both inside the change's trace, after the publish.
        assertThat(mapWrite.path("timestamp").asLong()).isGreaterThanOrEqualTo(compute.path("timestamp").asLong());
        assertThat(receive.path("timestamp").asLong()).isGreaterThanOrEqualTo(publish.path("timestamp").asLong());
    }

    private static Optional<JsonNode> named(String traceId, String name) {
        return zipkin.trace(traceId).stream().filter(s -> name.equals(s.path("name").asText())).findFirst();
    }

    /** The span called {@code name} whose parent is {@code parent}; fails naming what the trace holds. */
    private static JsonNode child(List<JsonNode> trace, JsonNode parent, String name) {
        return trace.stream()
                .filter(s -> name.equals(s.path("name").asText()) && parent.path("id").asText().equals(s.path("parentId").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no span '" + name + "' under '" + parent.path("name").asText() + "' in " + trace));
    }

    private static JsonNode await(String what, java.util.function.Supplier<Optional<JsonNode>> find) throws InterruptedException {
        // The exporters send in batches (the SDK's default: every 5 s).
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            Optional<JsonNode> found = find.get();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(250);
        }
        // The names of what did arrive, not every span's tags: the policy-service's status spans are many.
        throw new AssertionError("no " + what + " within 30 s; received " + zipkin.spans().size() + " spans named "
                + zipkin.spans().stream().map(s -> s.path("localEndpoint").path("serviceName").asText() + ":" + s.path("name").asText())
                .distinct().sorted().toList());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient().send(request.header("Authorization", ControlPlane.bearer()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
