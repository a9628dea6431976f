package io.septum.it.explain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.septum.it.ControlPlane;
import io.septum.it.Lab;
import io.septum.it.LabPod;
import io.septum.it.PolicyLab;
import io.septum.it.ProbePort;
import io.septum.it.Reachability;
import io.septum.it.SeptumCommand;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.septum.it.PolicyLab.policy;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code policy explain} against the datapath: for every ordered pair of pods of the e2e model and every
 * probed port, explain says "allowed" exactly when the real probe connects, under policies that mix
 * ingress and egress isolation, named ports, namespace selectors and ipBlocks. Needs root (the lab).
 */
@Tag("privileged")
@Lab(file = "infra/lab/e2e-model.yaml", nodes = 2, resetAfterEach = true)
class ExplainPrivilegedTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<ProbePort> PROBES = List.of(ProbePort.TCP_80, ProbePort.TCP_81, ProbePort.UDP_80);

    PolicyLab lab;

    @Test
    void explainAgreesWithEveryProbeWithoutPolicies() throws Exception {
        assertExplainMatchesProbes();
    }

    @Test
    void explainAgreesWithEveryProbeUnderMixedPolicies() throws Exception {
        lab.apply(
                // x/b: only pod=a of any namespace on TCP 80, and the named port serve-80-udp.
                policy("x", "b-ingress", """
                        podSelector: {matchLabels: {pod: b}}
                        ingress:
                        - from: [{namespaceSelector: {}, podSelector: {matchLabels: {pod: a}}}]
                          ports: [{port: 80, protocol: TCP}]
                        - from: [{podSelector: {}}]
                          ports: [{port: serve-80-udp, protocol: UDP}]
                        """),
                // y: egress only to namespace z, and to x/c's address block on port 81.
                policy("y", "egress-to-z", """
                        podSelector: {}
                        policyTypes: [Egress]
                        egress:
                        - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: z}}}]
                        - to: [{ipBlock: {cidr: %s/32}}]
                          ports: [{port: 81, protocol: TCP}]
                        """.formatted(lab.pod("x/c").ip())),
                // z/a takes no ingress at all.
                policy("z", "a-deny-all", """
                        podSelector: {matchLabels: {pod: a}}
                        policyTypes: [Ingress]
                        """));
        assertExplainMatchesProbes();

        JsonNode denied = explain("x/c", "x/b", ProbePort.TCP_80);
        assertThat(denied.path("verdict").asText()).isEqualTo("denied");
        assertThat(denied.path("ingress").path("reason").asText()).isEqualTo("default deny");
        assertThat(denied.path("ingress").path("isolatedBy").get(0).asText()).isEqualTo("NetworkPolicy x/b-ingress");
        JsonNode allowed = explain("y/a", "x/b", ProbePort.TCP_80);
        assertThat(allowed.path("egress").path("reason").asText()).isEqualTo("default deny");
        JsonNode byRule = explain("z/a", "x/b", ProbePort.TCP_80);
        assertThat(byRule.path("verdict").asText()).isEqualTo("allowed");
        assertThat(byRule.path("ingress").path("rule").asText()).isEqualTo("NetworkPolicy x/b-ingress ingress[0]");

        // The CLI prints the same and answers the yes/no question with its exit status.
        SeptumCommand.Result cli = SeptumCommand.run("policy", "explain", "--from", "x/c", "--to", "x/b", "--port", "80");
        assertThat(cli.exitCode()).isEqualTo(1);
        assertThat(cli.output()).contains("DENIED", "default deny", "NetworkPolicy x/b-ingress");
        assertThat(SeptumCommand.run("policy", "explain", "--from", "z/a", "--to", "x/b", "--port", "80").exitCode()).isZero();
    }

    /** Probes every matrix, then asks explain about every pair: any disagreement fails with all of them listed. */
    private void assertExplainMatchesProbes() throws Exception {
        List<Reachability> observed = lab.observe(PROBES);
        List<String> disagreements = new ArrayList<>();
        int compared = 0;
        for (Reachability matrix : observed) {
            for (LabPod from : lab.pods()) {
                for (LabPod to : lab.pods()) {
                    if (from.equals(to)) {
                        continue; // A pod reaches itself without passing its veth.
                    }
                    JsonNode explanation = explain(from.key(), to.key(), matrix.probe());
                    boolean explained = "allowed".equals(explanation.path("verdict").asText());
                    compared++;
                    if (explained != matrix.reachable(from, to)) {
                        disagreements.add(from.key() + " -> " + to.key() + " " + matrix.probe() + ": probe "
                                + (matrix.reachable(from, to) ? "connected" : "failed") + ", explain " + explanation);
                    }
                }
            }
        }
        assertThat(compared).isEqualTo(PROBES.size() * 72);
        assertThat(disagreements).as("explain vs probes").isEmpty();
    }

    private static JsonNode explain(String from, String to, ProbePort probe) throws IOException {
        URI uri = URI.create(ControlPlane.policyUrl() + "/v1/explain?from=" + URLEncoder.encode(from, StandardCharsets.UTF_8)
                + "&to=" + URLEncoder.encode(to, StandardCharsets.UTF_8) + "&port=" + probe.port() + "&protocol=" + probe.protocol());
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setRequestProperty("Authorization", ControlPlane.bearer());
        int status = connection.getResponseCode();
        try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(status).as("explain %s -> %s %s: %s", from, to, probe, body).isEqualTo(200);
            return JSON.readTree(body);
        }
    }
}
