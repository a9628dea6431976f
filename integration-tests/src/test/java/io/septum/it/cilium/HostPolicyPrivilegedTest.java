package io.septum.it.cilium;

import com.fasterxml.jackson.databind.JsonNode;
import io.septum.it.Lab;
import io.septum.it.PolicyLab;
import io.septum.it.SeptumCommand;
import io.septum.it.cilium.LabProbes.Probe;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.septum.it.cilium.LabProbes.awaitFlow;
import static io.septum.it.cilium.LabProbes.cases;
import static io.septum.it.cilium.LabProbes.expect;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Host policies on real packets: a CiliumClusterwideNetworkPolicy with a nodeSelector selects the node labelled
 * role=ingress (node 0 of {@code infra/lab/cilium-hosts.yaml}; node 1 is role=worker) and judges traffic to and from
 * the node itself — from the world and other nodes on its uplink, from its own pods on their veths — with default
 * deny per direction once selected; traffic the node only forwards (to and from its pods) is the pods' business.
 * One scenario, in order: open without policy, ingress rules (also after node 0's enforcer restarts), an egress rule
 * (replies of allowed connections still pass), delete (open again). Needs root.
 */
@Tag("privileged")
@Lab(file = "infra/lab/cilium-hosts.yaml", nodes = 2)
class HostPolicyPrivilegedTest {

    private static final String NODE_0 = "10.245.0.1";
    private static PolicyLab lab;

    private static final String INGRESS_POLICY = """
            apiVersion: cilium.io/v2
            kind: CiliumClusterwideNetworkPolicy
            metadata:
              name: host-fw
            spec:
              nodeSelector: {matchLabels: {role: ingress}}
              ingress:
                - fromEntities: [world]
                  toPorts: [{ports: [{port: "22", protocol: TCP}]}]
                - fromEndpoints: [{matchLabels: {pod: a}}]
                  toPorts: [{ports: [{port: "8080", protocol: TCP}]}]
                - fromEntities: [remote-node]
                  toPorts: [{ports: [{port: "9090", protocol: TCP}]}]
            """;

    private static final String EGRESS_POLICY = """
            apiVersion: cilium.io/v2
            kind: CiliumClusterwideNetworkPolicy
            metadata:
              name: host-egress
            spec:
              nodeSelector: {matchLabels: {role: ingress}}
              egress:
                - toEntities: [world]
                  toPorts: [{ports: [{port: "443", protocol: TCP}]}]
            """;

    @Test
    void aNodeSelectedByAHostPolicyIsJudgedInBothDirectionsAndOpensAgainWhenItIsDeleted() throws Exception {
        Map<Probe, Boolean> open = cases(
                probe("world-client", "node/0", 22), true,
                probe("world-client", "node/0", 9090), true,
                probe("x/a", "node/0", 9090), true,
                probe("x/b", "node/0", 8080), true,
                probe("node/1", "node/0", 22), true,
                probe("node/0", "world-client", 80), true,
                probe("node/0", "x/b", 80), true);
        expect(open);

        lab.applyYaml(INGRESS_POLICY);
        expect(cases(
                probe("world-client", "node/0", 22), true,     // ingress[0]
                probe("world-client", "node/0", 8080), false,  // default deny: only pod a may use 8080
                probe("world-client", "node/0", 9090), false,
                probe("x/a", "node/0", 8080), true,            // ingress[1], a pod of node 0: judged on its own veth
                probe("x/a", "node/0", 22), false,             // a pod is not the world
                probe("x/b", "node/0", 8080), false,           // pod b, from node 1 over the uplink
                probe("node/1", "node/0", 9090), true,         // ingress[2]
                probe("node/1", "node/0", 22), false,
                probe("world-client", "node/1", 22), true,     // node 1 is not selected
                probe("x/a", "node/1", 9090), true,
                probe("world-client", "x/a", 80), true,        // traffic node 0 forwards to its pods is not the host's
                probe("x/b", "x/a", 80), true,
                probe("node/0", "world-client", 80), true));   // egress is not isolated

        // Flows: the host's verdicts, with the deciding rule where one decided.
        JsonNode allowed = awaitFlow("from-ip=203.0.113.10&to-ip=" + NODE_0 + "&to-port=22&protocol=TCP&verdict=FORWARDED", "INGRESS");
        assertThat(allowed.path("rule").asText()).isEqualTo("CiliumClusterwideNetworkPolicy host-fw ingress[0]");
        assertThat(allowed.path("node").asText()).isEqualTo("node-0");
        assertThat(allowed.path("destination").path("name").asText()).isEqualTo("host");
        JsonNode dropped = awaitFlow("from-ip=203.0.113.10&to-ip=" + NODE_0 + "&to-port=9090&protocol=TCP&verdict=DROPPED", "INGRESS");
        assertThat(dropped.path("dropReason").asText()).isEqualTo("POLICY_DENIED");
        assertThat(dropped.path("node").asText()).isEqualTo("node-0");
        JsonNode fromPod = awaitFlow("from-pod=x/a&to-ip=" + NODE_0 + "&to-port=8080&protocol=TCP&verdict=FORWARDED", "INGRESS");
        assertThat(fromPod.path("rule").asText()).isEqualTo("CiliumClusterwideNetworkPolicy host-fw ingress[1]");

        // A restarted enforcer takes its host endpoint over from the pins (adopt, as its pods): the same verdicts.
        SeptumCommand.ok("lab", "enforcer", "restart", "node-0");
        SeptumCommand.ok("policy", "wait", "--timeout", "60s");
        expect(cases(
                probe("world-client", "node/0", 22), true,
                probe("world-client", "node/0", 9090), false,
                probe("x/a", "node/0", 8080), true,
                probe("world-client", "x/a", 80), true));

        lab.applyYaml(EGRESS_POLICY);
        expect(cases(
                probe("node/0", "world-client", 443), true,    // egress[0]
                probe("node/0", "world-client", 80), false,    // default deny, now that egress is isolated
                probe("node/0", "x/a", 80), false,             // to its own pod: judged on the pod's veth
                probe("node/0", "x/b", 80), false,             // to a pod of node 1, over the uplink
                probe("node/1", "world-client", 80), true,     // node 1 is not selected
                probe("x/a", "world-client", 80), true,        // pod traffic is not the host's
                probe("world-client", "node/0", 22), true,     // its replies leave node 0: conntrack lets them pass
                probe("x/a", "node/0", 8080), true,            // and replies into its own pod too
                probe("node/1", "node/0", 9090), true));
        JsonNode egressDrop = awaitFlow("from-ip=" + NODE_0 + "&to-ip=203.0.113.10&to-port=80&protocol=TCP&verdict=DROPPED", "EGRESS");
        assertThat(egressDrop.path("source").path("name").asText()).isEqualTo("host");

        SeptumCommand.ok("policy", "delete", "--all", "--wait", "--timeout", "30s");
        expect(open);
    }

    private static Probe probe(String from, String to, int port) {
        return Probe.tcp(from, to, port);
    }
}
