package io.septum.it.cilium;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.septum.it.Lab;
import io.septum.it.PolicyLab;
import io.septum.it.SeptumCommand;
import io.septum.it.cilium.LabProbes.Probe;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static io.septum.it.cilium.LabProbes.awaitFlow;
import static io.septum.it.cilium.LabProbes.cases;
import static io.septum.it.cilium.LabProbes.expect;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * CiliumNetworkPolicy enforced on real packets, on a two-node lab with hosts outside the cluster
 * ({@code infra/lab/cilium-world.yaml}: x/a and y/a on node 0, x/b and y/b on node 1; externals world-client
 * 203.0.113.10, world-other 203.0.113.20, doc-net 198.51.100.20). One lab for the class; each case applies its
 * policies, probes a set of connections in parallel through {@code ./septum lab probe} and compares all of them
 * with its expectation, then deletes every policy. Needs root.
 */
@Tag("privileged")
@Lab(file = "infra/lab/cilium-world.yaml", nodes = 2, resetAfterEach = true)
class CiliumPolicyPrivilegedTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static PolicyLab lab;

    private static String cnp(String namespace, String name, String body) {
        return """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata:
                  name: %s
                  namespace: %s
                %s""".formatted(name, namespace, body.stripTrailing()) + "\n";
    }

    @Test
    void withoutPoliciesTheWorldAndTheNodesReachPodsAndPodsReachTheWorld() throws Exception {
        expect(cases(
                Probe.tcp("world-client", "x/a", 80), true,
                Probe.tcp("x/a", "world-client", 443), true,
                Probe.tcp("x/b", "doc-net", 80), true,
                Probe.tcp("node/0", "x/a", 80), true,
                Probe.tcp("node/1", "x/a", 80), true));
    }

    @Test
    void fromEndpointsAcrossNamespacesAndTheNamespaceDefault() throws Exception {
        lab.applyYaml(cnp("x", "from-y-a", """
                spec:
                  endpointSelector: {matchLabels: {pod: a}}
                  ingress:
                    - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: y, pod: a}}]
                    - fromEndpoints: [{matchLabels: {pod: b}}]
                      toPorts: [{ports: [{port: "81", protocol: TCP}]}]
                """));
        expect(cases(
                Probe.tcp("y/a", "x/a", 80), true,
                Probe.tcp("y/b", "x/a", 80), false,
                Probe.tcp("x/b", "x/a", 80), false,
                Probe.tcp("x/b", "x/a", 81), true,
                Probe.tcp("y/b", "x/a", 81), false, // pod=b defaults to the policy's namespace
                Probe.tcp("world-client", "x/a", 80), false,
                Probe.tcp("y/a", "x/b", 80), true)); // x/b is not selected
    }

    @Test
    void aClusterwidePolicySelectsInEveryNamespaceAndItsPeersAreInAny() throws Exception {
        lab.applyYaml("""
                apiVersion: cilium.io/v2
                kind: CiliumClusterwideNetworkPolicy
                metadata: {name: a-from-b}
                spec:
                  endpointSelector: {matchLabels: {pod: a}}
                  ingress: [{fromEndpoints: [{matchLabels: {pod: b}}]}]
                """);
        expect(cases(
                Probe.tcp("y/b", "x/a", 80), true,
                Probe.tcp("x/b", "y/a", 80), true,
                Probe.tcp("x/b", "x/a", 81), true,
                Probe.tcp("y/a", "x/a", 80), false,
                Probe.tcp("world-client", "y/a", 80), false,
                Probe.tcp("world-client", "x/b", 80), true));
    }

    @Test
    void entitiesWorldClusterRemoteNodeAndHost() throws Exception {
        lab.applyYaml(cnp("x", "world-in", """
                spec:
                  endpointSelector: {matchLabels: {pod: a}}
                  ingress: [{fromEntities: [world], toPorts: [{ports: [{port: "80", protocol: TCP}]}]}]
                """) + "---\n" + cnp("x", "cluster-in", """
                spec:
                  endpointSelector: {matchLabels: {pod: b}}
                  ingress: [{fromEntities: [cluster]}]
                """) + "---\n" + cnp("y", "remote-node-in", """
                spec:
                  endpointSelector: {matchLabels: {pod: a}}
                  ingress: [{fromEntities: [remote-node]}]
                """));
        expect(cases(
                Probe.tcp("world-client", "x/a", 80), true,
                Probe.tcp("world-client", "x/a", 81), false,
                Probe.tcp("y/a", "x/a", 80), false,
                Probe.tcp("node/1", "x/a", 80), false, // a remote node is not the world
                Probe.tcp("node/0", "x/a", 80), true,  // its own node: the host, always allowed (kubelet probes)
                Probe.tcp("y/a", "x/b", 80), true,
                Probe.tcp("node/0", "x/b", 80), true,  // a remote node is in the cluster
                Probe.tcp("world-client", "x/b", 80), false,
                Probe.tcp("node/1", "y/a", 80), true,
                Probe.tcp("x/a", "y/a", 80), false,
                Probe.tcp("world-client", "y/a", 80), false));
    }

    @Test
    void egressToEntitiesWorldAndAll() throws Exception {
        lab.applyYaml(cnp("x", "egress-world", """
                spec:
                  endpointSelector: {matchLabels: {pod: a}}
                  egress: [{toEntities: [world]}]
                """) + "---\n" + cnp("x", "egress-all", """
                spec:
                  endpointSelector: {matchLabels: {pod: b}}
                  egress: [{toEntities: [all]}]
                """));
        expect(cases(
                Probe.tcp("x/a", "world-client", 443), true,
                Probe.tcp("x/a", "doc-net", 80), true,
                Probe.tcp("x/a", "y/a", 80), false,
                Probe.tcp("x/b", "y/a", 80), true,
                Probe.tcp("x/b", "world-client", 80), true));
    }

    @Test
    void cidrAndCidrSetWithExceptToAndFromExternals() throws Exception {
        lab.applyYaml(cnp("x", "cidrs", """
                spec:
                  endpointSelector: {matchLabels: {pod: a}}
                  egress:
                    - toCIDRSet: [{cidr: 203.0.113.0/24, except: [203.0.113.20/32]}]
                      toPorts: [{ports: [{port: "80", protocol: TCP}]}]
                  ingress:
                    - fromCIDR: [203.0.113.10/32]
                """));
        expect(cases(
                Probe.tcp("x/a", "world-client", 80), true,
                Probe.tcp("x/a", "world-client", 443), false,
                Probe.tcp("x/a", "world-other", 80), false,
                Probe.tcp("x/a", "doc-net", 80), false,
                Probe.tcp("world-client", "x/a", 80), true,
                Probe.tcp("world-other", "x/a", 80), false,
                Probe.tcp("doc-net", "x/a", 80), false));
    }

    @Test
    void portRangesAndProtocolAny() throws Exception {
        lab.applyYaml(cnp("x", "ports", """
                spec:
                  endpointSelector: {matchLabels: {pod: a}}
                  ingress:
                    - toPorts: [{ports: [{port: "8080", endPort: 8081, protocol: TCP}, {port: "80", protocol: ANY}]}]
                """));
        expect(cases(
                Probe.tcp("y/a", "x/a", 8080), true,
                Probe.tcp("y/a", "x/a", 8081), true,
                Probe.tcp("y/a", "x/a", 81), false,
                Probe.tcp("x/b", "x/a", 80), true,
                new Probe("x/b", "x/a", 80, "UDP"), true,
                Probe.tcp("world-client", "x/a", 80), true)); // an L4-only rule applies to every peer
    }

    @Test
    void icmpTypesAllowEchoRequestsAlone() throws Exception {
        lab.applyYaml(cnp("x", "echo", """
                spec:
                  endpointSelector: {matchLabels: {pod: a}}
                  ingress:
                    - fromEndpoints: [{matchLabels: {pod: b}}]
                      icmps: [{fields: [{type: EchoRequest, family: IPv4}]}]
                """));
        expect(cases(
                new Probe("x/b", "x/a", 0, "ICMP"), true,
                new Probe("y/a", "x/a", 0, "ICMP"), false,
                Probe.tcp("x/b", "x/a", 80), false,
                new Probe("x/a", "x/b", 0, "ICMP"), true));
    }

    @Test
    void aCiliumDenyWinsOverANetworkPolicyAllowAndOverItsOwnAllow() throws Exception {
        lab.applyYaml("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: allow-all, namespace: x}
                spec:
                  podSelector: {}
                  ingress: [{}]
                ---
                """ + cnp("x", "deny-y", """
                spec:
                  endpointSelector: {matchLabels: {pod: a}}
                  ingress: [{fromEntities: [all]}]
                  ingressDeny:
                    - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: y}}]
                    - fromEntities: [world]
                      toPorts: [{ports: [{port: "81", protocol: TCP}]}]
                """));
        expect(cases(
                Probe.tcp("y/a", "x/a", 80), false,
                Probe.tcp("y/b", "x/a", 81), false,
                Probe.tcp("x/b", "x/a", 80), true,
                Probe.tcp("world-client", "x/a", 80), true,
                Probe.tcp("world-client", "x/a", 81), false,
                Probe.tcp("y/a", "x/b", 80), true));
    }

    @Test
    void auditModeLetsWouldBeDropsThroughAndCountsThemAsAudit() throws Exception {
        long before = auditedPackets();
        lab.applyYaml("""
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata:
                  name: audited
                  namespace: x
                  annotations: {policy.septum.io/audit: "true"}
                spec:
                  endpointSelector: {matchLabels: {pod: a}}
                  ingress: [{fromEndpoints: [{matchLabels: {pod: b}}]}]
                  egressDeny: [{toEntities: [world]}]
                """);
        expect(cases(
                Probe.tcp("y/a", "x/a", 80), true,
                Probe.tcp("x/a", "world-client", 443), true,
                Probe.tcp("x/b", "x/a", 80), true));
        assertThat(auditedPackets()).as("AUDIT packets counted on the nodes").isGreaterThan(before);
        lab.applyYaml(cnp("x", "audited", """
                spec:
                  endpointSelector: {matchLabels: {pod: a}}
                  ingress: [{fromEndpoints: [{matchLabels: {pod: b}}]}]
                  egressDeny: [{toEntities: [world]}]
                """));
        expect(cases(
                Probe.tcp("y/a", "x/a", 80), false,
                Probe.tcp("x/a", "world-client", 443), false,
                Probe.tcp("x/b", "x/a", 80), true));
    }

    @Test
    void enableDefaultDenyFalseDoesNotIsolate() throws Exception {
        lab.applyYaml(cnp("x", "no-default-deny", """
                spec:
                  endpointSelector: {matchLabels: {pod: a}}
                  ingress: [{fromEndpoints: [{matchLabels: {pod: b}}]}]
                  egressDeny: [{toCIDR: [198.51.100.0/24]}]
                  enableDefaultDeny: {ingress: false, egress: false}
                """));
        expect(cases(
                Probe.tcp("y/a", "x/a", 80), true,
                Probe.tcp("world-client", "x/a", 80), true,
                Probe.tcp("x/a", "world-client", 443), true,
                Probe.tcp("x/a", "doc-net", 80), false));
    }

    @Test
    void anL7RuleIsReportedNotEnforceableAndAllowsNothing() throws Exception {
        lab.applyYaml(cnp("x", "l7", """
                spec:
                  endpointSelector: {matchLabels: {pod: a}}
                  ingress:
                    - fromEndpoints: [{matchLabels: {pod: b}}]
                      toPorts: [{ports: [{port: "80", protocol: TCP}], rules: {http: [{method: GET, path: /}]}}]
                    - fromEndpoints: [{matchLabels: {pod: b}}]
                      toPorts: [{ports: [{port: "81", protocol: TCP}]}]
                """));
        expect(cases(
                Probe.tcp("x/b", "x/a", 80), false,
                Probe.tcp("x/b", "x/a", 81), true));
        JsonNode status = JSON.readTree(SeptumCommand.ok("lab", "status", "--json"));
        for (JsonNode node : status.path("nodes")) {
            assertThat(node.path("status").path("problems").toString())
                    .contains("CiliumNetworkPolicy x/l7 is not fully enforceable: spec.ingress[0].toPorts[0].rules.http");
        }
    }

    @Test
    void specsHoldSeveralRulesEachSelectingItsOwnPodsAndNamedByTheirPath() throws Exception {
        lab.applyYaml(cnp("x", "multi", """
                specs:
                  - endpointSelector: {matchLabels: {pod: a}}
                    ingress:
                      - fromEndpoints: [{matchLabels: {pod: b}}]
                        toPorts: [{ports: [{port: "81", protocol: TCP}]}]
                  - endpointSelector: {matchLabels: {pod: b}}
                    egress: [{toEntities: [cluster]}]
                    egressDeny: [{toEntities: [world]}]
                """));
        expect(cases(
                Probe.tcp("x/b", "x/a", 81), true,     // specs[1] lets it leave x/b, specs[0] lets it into x/a
                Probe.tcp("x/b", "x/a", 80), false,    // specs[0] isolates x/a's ingress
                Probe.tcp("y/a", "x/a", 81), false,
                Probe.tcp("y/a", "x/b", 80), true,     // no element isolates x/b's ingress
                Probe.tcp("x/b", "world-client", 443), false, // specs[1]'s deny
                Probe.tcp("x/a", "world-client", 443), true,  // specs[1] does not select x/a
                Probe.tcp("y/b", "world-client", 443), true));

        JsonNode allowed = explain("x/b", "x/a", 81);
        assertThat(allowed.path("verdict").asText()).isEqualTo("allowed");
        assertThat(allowed.path("egress").path("rule").asText()).isEqualTo("CiliumNetworkPolicy x/multi specs[1].egress[0]");
        assertThat(allowed.path("ingress").path("rule").asText()).isEqualTo("CiliumNetworkPolicy x/multi specs[0].ingress[0]");
        assertThat(allowed.path("ingress").path("matchingRules").get(0).path("path").asText()).isEqualTo("specs[0].ingress[0]");
        JsonNode isolated = explain("x/b", "x/a", 80);
        assertThat(isolated.path("ingress").path("reason").asText()).isEqualTo("default deny");
        assertThat(isolated.path("ingress").path("isolatedBy").toString()).isEqualTo("[\"CiliumNetworkPolicy x/multi\"]");
        JsonNode denied = explain("x/b", "203.0.113.10", 443);
        assertThat(denied.path("egress").path("reason").asText()).isEqualTo("denied by deny rule");
        assertThat(denied.path("egress").path("rule").asText()).isEqualTo("CiliumNetworkPolicy x/multi specs[1].egressDeny[0]");

        // The flows of those probes name the same rules: the numbers in the datapath are the rules' paths, hashed.
        assertThat(awaitFlow("from-pod=x/b&to-pod=x/a&to-port=81&protocol=TCP&verdict=FORWARDED", "INGRESS").path("rule").asText())
                .isEqualTo("CiliumNetworkPolicy x/multi specs[0].ingress[0]");
        assertThat(awaitFlow("from-pod=x/b&to-ip=203.0.113.10&to-port=443&protocol=TCP&verdict=DROPPED", "EGRESS").path("rule").asText())
                .isEqualTo("CiliumNetworkPolicy x/multi specs[1].egressDeny[0]");
    }

    /** {@code policy explain --json} (exit 0 allowed or audited, 1 denied). */
    private static JsonNode explain(String from, String to, int port) throws Exception {
        SeptumCommand.Result r = SeptumCommand.run("policy", "explain", "--from", from, "--to", to, "--port", Integer.toString(port), "--json");
        assertThat(r.exitCode()).as("policy explain " + from + " -> " + to + ": " + r.output()).isIn(0, 1);
        return JSON.readTree(r.output());
    }

    private static long auditedPackets() throws Exception {
        JsonNode counters = JSON.readTree(SeptumCommand.ok("lab", "counters", "--json"));
        long packets = 0;
        for (JsonNode node : counters) {
            for (JsonNode c : node.path("items")) {
                if (c.path("verdict").asText().equalsIgnoreCase("AUDIT")) {
                    packets += c.path("packets").asLong();
                }
            }
        }
        return packets;
    }
}
