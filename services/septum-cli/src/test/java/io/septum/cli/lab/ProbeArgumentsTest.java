package io.septum.cli.lab;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProbeArgumentsTest {

    private static final LabState STATE = new LabState("septest", List.of(
            new LabState.NodeState("node-0", 0, "septest-node-0", "10.244.0.0/24", "10.245.0.1", 19870, 0, "", "", "", List.of(), Map.of(), List.of()),
            new LabState.NodeState("node-1", 1, "septest-node-1", "10.244.1.0/24", "10.245.0.2", 19871, 0, "", "", "", List.of(), Map.of(),
                    List.of(new LabSpec.Port(22, "TCP", null)))),
            List.of(
            new LabState.PodState("x", "a", "node-0", "septest-pod-x-a", "lxc1", "10.244.0.2", Map.of(), List.of()),
            new LabState.PodState("x", "b", "node-0", "septest-pod-x-b", "lxc2", "10.244.0.3", Map.of(), List.of())),
            List.of(), 0, null, List.of(new LabState.ExternalState("world-client", "septest-ext-world-client", "x1", "203.0.113.10", List.of())));

    @Test
    void theProtocolIsMatchedInAnyCaseAndKeptUpperCase() {
        assertThat(new ProbeArguments(80, "udp", 1000).protocol()).isEqualTo("UDP");
        assertThat(new ProbeArguments(65535, "Tcp", 1).protocol()).isEqualTo("TCP");
        assertThat(new ProbeArguments(0, "icmp", 1000)).as("an echo takes no port").isEqualTo(new ProbeArguments(0, "ICMP", 1000));
    }

    @Test
    void eachBadValueNamesItsOptionAndWhatItAccepts() {
        assertThatThrownBy(() -> new ProbeArguments(0, "TCP", 1000)).hasMessage("--port: must be between 1 and 65535, got 0");
        assertThatThrownBy(() -> new ProbeArguments(65536, "TCP", 1000)).hasMessage("--port: must be between 1 and 65535, got 65536");
        assertThatThrownBy(() -> new ProbeArguments(80, "SCTP", 1000))
                .hasMessage("--protocol: must be TCP, UDP or ICMP (echo), got 'SCTP'");
        assertThatThrownBy(() -> new ProbeArguments(80, "TCP", 0)).hasMessage("--timeout-ms: must be between 1 and 60000, got 0");
        assertThatThrownBy(() -> new ProbeArguments(80, "TCP", -5)).hasMessage("--timeout-ms: must be between 1 and 60000, got -5");
    }

    @Test
    void podsAreFoundByKeyAndErrorsNameTheOptionAndTheLabsPods() {
        assertThat(ProbeArguments.pod(STATE, "--from", "x/b").ip()).isEqualTo("10.244.0.3");
        assertThatThrownBy(() -> ProbeArguments.pod(STATE, "--from", "xa")).hasMessage("--from: expected NS/POD, got 'xa'");
        assertThatThrownBy(() -> ProbeArguments.pod(STATE, "--to", "x/")).hasMessage("--to: expected NS/POD, got 'x/'");
        assertThatThrownBy(() -> ProbeArguments.pod(STATE, "--to", "x/q"))
                .hasMessage("--to: no pod x/q in lab 'septest' (pods: x/a, x/b)");
    }

    @Test
    void probeEndsArePodsExternalsOrNodesAsSources() {
        assertThat(ProbeArguments.source(STATE, "x/a")).isEqualTo(new ProbeArguments.ProbeEnd("x/a", "septest-pod-x-a", "10.244.0.2"));
        assertThat(ProbeArguments.target(STATE, "world-client").ip()).isEqualTo("203.0.113.10");
        assertThat(ProbeArguments.source(STATE, "world-client").netns()).isEqualTo("septest-ext-world-client");
        assertThat(ProbeArguments.source(STATE, "node/0").netns()).isEqualTo("septest-node-0");
        assertThatThrownBy(() -> ProbeArguments.target(STATE, "node/0"))
                .hasMessage("--to: node/0 serves no ports; give it ports in the lab file's nodes list (nodes: [{ports: [{port: 22}]}, …]),"
                        + " or probe a pod or an external");
        assertThat(ProbeArguments.target(STATE, "node/1")).isEqualTo(new ProbeArguments.ProbeEnd("node/1", "septest-node-1", "10.245.0.2"));
        assertThatThrownBy(() -> ProbeArguments.source(STATE, "node/2"))
                .hasMessage("--from: no pod, external or node 'node/2' in lab 'septest' (x/a, x/b, world-client, node/0, node/1)");
    }
}
