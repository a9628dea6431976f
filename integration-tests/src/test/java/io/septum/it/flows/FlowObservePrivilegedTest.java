package io.septum.it.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.septum.it.ControlPlane;
import io.septum.it.Lab;
import io.septum.it.SeptumCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flows of real traffic, end to end: the demo lab's pods open real TCP connections, the node's BPF program emits
 * flow events, the enforcer publishes them on NATS, flow-service names them — and the API and {@code septum observe}
 * show a dropped connection with its reason and the policy whose default deny dropped it, an allowed one with its
 * rule, and filters that combine. Needs root (network namespaces, BPF).
 */
@Tag("privileged")
@Lab(file = "infra/lab/demo.yaml", nodes = 1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlowObservePrivilegedTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void applyBackendAccess() throws Exception {
        SeptumCommand.ok("policy", "apply", "-f", "kubernetes/examples/backend-access.yaml", "--wait");
        assertThat(probe("other")).as("other -> backend:80 under backend-access").isFalse();
        assertThat(probe("frontend")).as("frontend -> backend:80 under backend-access").isTrue();
    }

    @Test
    @Order(1)
    void aDroppedConnectionShowsItsReasonAndThePolicyThatSelectsTheDestination() throws Exception {
        JsonNode drop = awaitFlows("from-pod=default/other&to-pod=default/backend&verdict=DROPPED&protocol=TCP&to-port=80&last=1").get(0);

        assertThat(drop.path("node").asText()).isEqualTo("node-0");
        assertThat(drop.path("dropReason").asText()).isEqualTo("POLICY_DENIED");
        assertThat(drop.path("direction").asText()).isEqualTo("INGRESS");
        assertThat(texts(drop.path("tcpFlags"))).contains("SYN");
        assertThat(texts(drop.path("policies"))).containsExactly("NetworkPolicy default/backend-access");
        assertThat(drop.path("rule").asText()).isEmpty();
        assertThat(texts(drop.path("source").path("labels"))).contains("k8s:app=other");
        assertThat(drop.path("destination").path("node").asText()).isEqualTo("node-0");
        assertThat(drop.path("summary").asText()).contains("default/other:").contains(" -> default/backend:80 TCP")
                .endsWith("DROPPED (POLICY_DENIED) by default deny of NetworkPolicy default/backend-access");
    }

    @Test
    @Order(2)
    void anAllowedConnectionNamesTheRuleThatAllowedIt() throws Exception {
        // A connection opens twice: leaving the frontend (egress, which no policy restricts) and entering the backend.
        JsonNode allowed = null;
        for (JsonNode flow : awaitFlows("from-pod=default/frontend&to-pod=default/backend&to-port=80&protocol=TCP&last=10")) {
            if (flow.path("direction").asText().equals("INGRESS")) {
                allowed = flow;
            }
        }
        assertThat(allowed).as("the connection entering the backend").isNotNull();
        assertThat(allowed.path("verdict").asText()).isEqualTo("FORWARDED");
        assertThat(allowed.path("rule").asText()).isEqualTo("NetworkPolicy default/backend-access ingress[0]");
        assertThat(texts(allowed.path("policies"))).containsExactly("NetworkPolicy default/backend-access");
    }

    @Test
    @Order(3)
    void observeShowsTheSameFlowsWithTheSameFilters() throws Exception {
        String json = SeptumCommand.ok("observe", "--to-pod", "default/backend", "--verdict", "DROPPED", "--from-label", "app=other",
                "-o", "json", "--last", "5");
        List<JsonNode> flows = new ArrayList<>();
        for (String line : json.strip().split("\n")) {
            flows.add(JSON.readTree(line));
        }
        assertThat(flows).isNotEmpty().allSatisfy(f -> {
            assertThat(f.path("verdict").asText()).isEqualTo("DROPPED");
            assertThat(f.path("source").path("pod").asText()).isEqualTo("other");
            assertThat(f.path("destination").path("pod").asText()).isEqualTo("backend");
        });

        String compact = SeptumCommand.ok("observe", "--pod", "default/backend", "--drop-reason", "POLICY_DENIED", "--protocol", "TCP");
        assertThat(compact).contains("[node-0] default/other:").contains("by default deny of NetworkPolicy default/backend-access");

        // Different filters AND, --not leaves out: the frontend's connections to the backend were all forwarded.
        String none = SeptumCommand.ok("observe", "--from-pod", "default/frontend", "--to-pod", "default/backend", "--not", "--verdict", "FORWARDED");
        assertThat(none.strip()).isEqualTo("no flows match");
        // Several values of one filter OR: both sources appear.
        String both = SeptumCommand.ok("observe", "--from-pod", "default/frontend", "--from-pod", "default/other", "--to-port", "80",
                "-o", "table", "--last", "100");
        assertThat(both).contains("TIME ").contains("default/frontend:").contains("default/other:");

        SeptumCommand.Result conflict = SeptumCommand.run("observe", "--from-pod", "default/other", "--pod", "default/backend");
        assertThat(conflict.exitCode()).isEqualTo(2);
        assertThat(conflict.output()).contains("--from-pod: conflicts with --pod");
    }

    @Test
    @Order(4)
    void theLabSwitchesANodeToPacketEventsAndBack() throws Exception {
        // Connections mode (the default): of an allowed connection only its first packet is a flow.
        assertThat(SeptumCommand.ok("lab", "flow-events")).isEqualToIgnoringWhitespace("node-0 connections");
        assertThat(awaitFlows("from-pod=default/frontend&to-pod=default/backend&to-port=80&protocol=TCP"))
                .allSatisfy(f -> assertThat(texts(f.path("tcpFlags"))).contains("SYN"));

        String since = Instant.now().minusSeconds(1).toString();
        assertThat(SeptumCommand.ok("lab", "flow-events", "packets", "--node", "node-0")).isEqualToIgnoringWhitespace("node-0 packets");
        try {
            assertThat(probe("frontend")).isTrue();
            // Packets mode: the connection's later packets (ACK, FIN) are flows too.
            List<JsonNode> flows = awaitFlows("from-pod=default/frontend&to-pod=default/backend&to-port=80&protocol=TCP&not.verdict=DROPPED&since=" + since);
            assertThat(flows).anySatisfy(f -> assertThat(texts(f.path("tcpFlags"))).doesNotContain("SYN").contains("ACK"));
        } finally {
            assertThat(SeptumCommand.ok("lab", "flow-events", "connections", "--json")).contains("\"node-0\":{\"mode\":\"connections\"}");
        }

        SeptumCommand.Result badMode = SeptumCommand.run("lab", "flow-events", "everything");
        assertThat(badMode.exitCode()).isEqualTo(2);
        assertThat(badMode.output()).contains("MODE: flow event mode 'everything': expected off, connections or packets");
        SeptumCommand.Result badNode = SeptumCommand.run("lab", "flow-events", "off", "--node", "node-9");
        assertThat(badNode.exitCode()).isNotZero();
        assertThat(badNode.output()).contains("--node node-9: not a node of this lab");
        assertThat(SeptumCommand.ok("lab", "flow-events")).as("nothing changed by refused commands").isEqualToIgnoringWhitespace("node-0 connections");
    }

    private static boolean probe(String from) throws Exception {
        SeptumCommand.Result result = SeptumCommand.run("lab", "probe", "--from", "default/" + from, "--to", "default/backend",
                "--port", "80", "--protocol", "TCP", "--timeout-ms", "1000", "--json");
        assertThat(result.exitCode()).as("probe exit code (0 reachable, 1 not)").isIn(0, 1);
        return JSON.readTree(result.output()).path("reachable").asBoolean();
    }

    /** Flows reach flow-service within the reader's poll interval plus one batch delay: wait up to 10 s. */
    private static List<JsonNode> awaitFlows(String query) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            JsonNode body = get("/v1/flows?" + query);
            List<JsonNode> items = new ArrayList<>();
            body.path("items").forEach(items::add);
            if (!items.isEmpty() || System.nanoTime() > deadline) {
                assertThat(items).as("flows matching " + query + " (status: " + get("/v1/status") + ")").isNotEmpty();
                return items;
            }
            Thread.sleep(200);
        }
    }

    private static JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(ControlPlane.flowsUrl() + path))
                        .header("Authorization", ControlPlane.bearer()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET " + path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
