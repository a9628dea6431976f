package io.septum.cli.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabSpecTest {

    private static LabSpec parse(String yaml, Integer nodes) throws Exception {
        JsonNode root = YAMLMapper.builder().build().readTree(yaml);
        return LabSpec.parse(root, "test.yaml", nodes);
    }

    @Test
    void readsNodesNamespacesPodsAndPorts() throws Exception {
        LabSpec spec = parse("""
                nodes: 2
                namespaces:
                  - name: x
                    labels: {team: blue}
                pods:
                  - name: x/a
                    labels: {pod: a}
                    node: 1
                    ports:
                      - {port: 80, protocol: TCP, name: serve-80-tcp}
                      - {port: 81, protocol: UDP}
                      - {port: 82}
                """, null);
        assertThat(spec.nodes()).isEqualTo(2);
        assertThat(spec.namespaces()).containsExactly(new LabSpec.Namespace("x", Map.of("team", "blue")));
        assertThat(spec.pods()).containsExactly(new LabSpec.Pod("x", "a", Map.of("pod", "a"), 1, List.of(
                new LabSpec.Port(80, "TCP", "serve-80-tcp"), new LabSpec.Port(81, "UDP", null), new LabSpec.Port(82, "TCP", null))));
    }

    @Test
    void podsWithoutANodeGoRoundRobinInFileOrderAndPinnedPodsStay() throws Exception {
        LabSpec spec = parse("""
                nodes: 3
                pods:
                  - {name: x/a}
                  - {name: x/b, node: 0}
                  - {name: x/c}
                  - {name: y/a}
                  - {name: y/b}
                """, null);
        assertThat(spec.pods()).extracting(LabSpec.Pod::key, LabSpec.Pod::node).containsExactly(
                org.assertj.core.groups.Tuple.tuple("x/a", 0), org.assertj.core.groups.Tuple.tuple("x/b", 0),
                org.assertj.core.groups.Tuple.tuple("x/c", 1), org.assertj.core.groups.Tuple.tuple("y/a", 2),
                org.assertj.core.groups.Tuple.tuple("y/b", 0));
    }

    @Test
    void theNodesOverrideReplacesTheFilesCountAndSpreadsPodsAgain() throws Exception {
        LabSpec spec = parse("""
                nodes: 1
                pods: [{name: x/a}, {name: x/b}, {name: x/c}]
                """, 3);
        assertThat(spec.nodes()).isEqualTo(3);
        assertThat(spec.pods()).extracting(LabSpec.Pod::node).containsExactly(0, 1, 2);
    }

    @Test
    void nodesListedWithLabelsAndPortsAreHostEndpoints() throws Exception {
        LabSpec spec = parse("""
                nodes:
                  - labels: {role: ingress}
                    ports: [{port: 22}, {port: 8080}]
                  - {}
                pods: [{name: x/a}, {name: x/b}]
                """, null);
        assertThat(spec.nodes()).isEqualTo(2);
        assertThat(spec.hostEndpoints()).isTrue();
        assertThat(spec.nodeSpecs().get(0)).isEqualTo(new LabSpec.Node(Map.of("role", "ingress"),
                List.of(new LabSpec.Port(22, "TCP", null), new LabSpec.Port(8080, "TCP", null))));
        assertThat(spec.nodeSpecs().get(1)).isEqualTo(new LabSpec.Node(Map.of(), List.of()));
        assertThat(spec.pods()).extracting(LabSpec.Pod::node).containsExactly(0, 1);
        assertThat(parse("nodes: 2", null).hostEndpoints()).as("a count keeps nodes unjudged, as before").isFalse();
        assertThatThrownBy(() -> parse("nodes: [{labels: {'bad key!': x}, ports: [{port: 0}]}]", null))
                .hasMessageContaining("nodes[0].labels").hasMessageContaining("nodes[0].ports[0].port");
        assertThatThrownBy(() -> parse("nodes: [{}]", 2)).hasMessageContaining("--nodes cannot change a lab file that lists its nodes (1, --nodes 2)");
        assertThat(parse("nodes: [{}, {}]", 2).nodes()).as("--nodes may repeat the list's length").isEqualTo(2);
        assertThatThrownBy(() -> parse("nodes: []", null)).hasMessageContaining("nodes: must list 1 to 16 nodes, got 0");
    }

    @Test
    void namespacesOfPodsAreDeclaredImplicitly() throws Exception {
        LabSpec spec = parse("pods: [{name: y/a}, {name: x/a}]\nnamespaces: [{name: x}]", null);
        assertThat(spec.namespaces()).extracting(LabSpec.Namespace::name).containsExactly("x", "y");
        assertThat(spec.nodes()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown top-level field         | {nodes: 1, pod: []}                                      | pod
            too many nodes                  | {nodes: 17}                                              | nodes
            pod name without a namespace    | {pods: [{name: a}]}                                      | pods[0].name
            pod name that is no DNS label   | {pods: [{name: x/A_b}]}                                  | pods[0].name
            node out of range               | {nodes: 2, pods: [{name: x/a, node: 2}]}                  | pods[0].node
            port out of range               | {pods: [{name: x/a, ports: [{port: 70000}]}]}            | pods[0].ports[0].port
            port missing                    | {pods: [{name: x/a, ports: [{protocol: TCP}]}]}          | pods[0].ports[0].port
            unsupported protocol            | {pods: [{name: x/a, ports: [{port: 80, protocol: SCTP}]}]} | pods[0].ports[0].protocol
            invalid label key               | {pods: [{name: x/a, labels: {'a b': c}}]}                | pods[0].labels
            invalid label value             | {pods: [{name: x/a, labels: {a: '-c'}}]}                 | pods[0].labels.a
            duplicate pod                   | {pods: [{name: x/a}, {name: x/a}]}                       | pods[1].name
            duplicate namespace             | {namespaces: [{name: x}, {name: x}]}                     | namespaces[1].name
            invalid namespace name          | {namespaces: [{name: X}]}                                | namespaces[0].name
            """)
    void errorsNameTheField(String what, String yaml, String field) {
        assertThatThrownBy(() -> parse(yaml, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("lab file test.yaml is invalid:")
                .hasMessageContaining(field);
    }

    @Test
    void everyErrorIsReportedAtOnce() {
        assertThatThrownBy(() -> parse("{nodes: 0, pods: [{name: a}, {name: x/b, ports: [{port: 0}]}]}", null))
                .hasMessageContaining("nodes").hasMessageContaining("pods[0].name").hasMessageContaining("pods[1].ports[0].port");
    }

    @Test
    void aNodesOverrideOutOfRangeIsAnError() {
        assertThatThrownBy(() -> parse("{pods: [{name: x/a}]}", 0)).hasMessageContaining("--nodes must be between 1 and 16, got 0");
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> LabSpec.read(Path.of("/nonexistent/lab.yaml")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read lab file /nonexistent/lab.yaml");
    }

    @Test
    void theRepositorysLabFilesAreValid() {
        Path root = Path.of("").toAbsolutePath();
        while (!root.resolve("infra/lab").toFile().isDirectory()) {
            root = root.getParent();
        }
        LabSpec e2e = LabSpec.read(root.resolve("infra/lab/e2e-model.yaml"));
        assertThat(e2e.namespaces()).extracting(LabSpec.Namespace::name).containsExactly("x", "y", "z");
        assertThat(e2e.pods()).hasSize(9).allSatisfy(pod -> assertThat(pod.ports()).extracting(LabSpec.Port::name)
                .containsExactly("serve-80-tcp", "serve-80-udp", "serve-81-tcp", "serve-81-udp"));
        assertThat(LabSpec.read(root.resolve("infra/lab/demo.yaml")).pods()).isNotEmpty();
    }

    @Test
    void externalsHaveAnAddressOutsideTheLabsRangesAndPorts() throws Exception {
        LabSpec spec = parse("""
                externals:
                  - name: world-client
                    ip: 203.0.113.10
                    ports: [{port: 443, protocol: TCP}]
                """, null);
        assertThat(spec.externals()).containsExactly(new LabSpec.External("world-client", "203.0.113.10",
                List.of(new LabSpec.Port(443, "TCP", null))));
        assertThatThrownBy(() -> parse("""
                externals:
                  - {name: a, ip: 10.244.0.9}
                  - {name: a, ip: 198.51.100.1}
                  - {name: node, ip: 198.51.100.1}
                  - {name: c, ip: 1.2.3}
                """, null)).hasMessageContaining("externals[0].ip: 10.244.0.9 is in 10.244.0.0/16, which the lab uses or cannot route")
                .hasMessageContaining("externals[1].name: external a is declared twice")
                .hasMessageContaining("externals[2].name: 'node' must be a DNS label other than 'node'")
                .hasMessageContaining("externals[2].ip: address 198.51.100.1 is used by two externals")
                .hasMessageContaining("externals[3].ip: '1.2.3' is not an IPv4 address");
    }
}
