package io.septum.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo, end to end, on real packets: a lab of three pods on one node, the backend-access
 * NetworkPolicy applied through the CLI, and real TCP and UDP connections before and after.
 * Needs root (network namespaces, BPF).
 */
@Tag("privileged")
@Lab(file = "infra/lab/demo.yaml", nodes = 1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoScenarioPrivilegedTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Order(1)
    void withoutAPolicyEveryoneReachesTheBackend() throws Exception {
        assertThat(probe("frontend", "TCP").path("reachable").asBoolean()).isTrue();
        assertThat(probe("other", "TCP").path("reachable").asBoolean()).isTrue();
        assertThat(probe("other", "UDP").path("reachable").asBoolean()).isTrue();
    }

    @Test
    @Order(2)
    void withThePolicyOnlyTheFrontendGetsIn() throws Exception {
        SeptumCommand.ok("policy", "apply", "-f", "kubernetes/examples/backend-access.yaml");
        SeptumCommand.ok("policy", "wait", "--timeout", "30s");

        JsonNode frontend = probe("frontend", "TCP");
        assertThat(frontend.path("reachable").asBoolean()).as("frontend -> backend:80/TCP").isTrue();
        assertThat(probe("frontend", "UDP").path("reachable").asBoolean()).as("frontend -> backend:80/UDP").isTrue();
        assertThat(probe("other", "TCP").path("reachable").asBoolean()).as("other -> backend:80/TCP").isFalse();
        assertThat(probe("other", "UDP").path("reachable").asBoolean()).as("other -> backend:80/UDP").isFalse();
        // The policy isolates only the backend's ingress: the backend's own connections out still work.
        assertThat(JSON.readTree(SeptumCommand.ok("lab", "probe", "--from", "default/backend", "--to", "default/other",
                "--port", "8080", "--protocol", "TCP", "--json")).path("reachable").asBoolean()).isTrue();

        JsonNode counters = JSON.readTree(SeptumCommand.ok("lab", "counters", "--json"));
        long denied = 0;
        for (JsonNode c : counters.path("node-0").path("items")) {
            if (c.path("verdict").asText().equals("DROPPED") && c.path("reason").asText().equals("POLICY_DENIED")
                    && c.path("direction").asText().equals("INGRESS")) {
                denied += c.path("packets").asLong();
            }
        }
        assertThat(denied).as("packets dropped by policy on ingress").isGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(3)
    void deletingThePolicyOpensTheBackendAgain() throws Exception {
        SeptumCommand.ok("policy", "delete", "default/backend-access");
        SeptumCommand.ok("policy", "wait", "--timeout", "30s");
        assertThat(probe("other", "TCP").path("reachable").asBoolean()).isTrue();
    }

    private static JsonNode probe(String from, String protocol) throws Exception {
        SeptumCommand.Result result = SeptumCommand.run("lab", "probe", "--from", "default/" + from, "--to", "default/backend",
                "--port", "80", "--protocol", protocol, "--timeout-ms", "1000", "--json");
        assertThat(result.exitCode()).as("probe exit code (0 reachable, 1 not)").isIn(0, 1);
        return JSON.readTree(result.output());
    }
}
