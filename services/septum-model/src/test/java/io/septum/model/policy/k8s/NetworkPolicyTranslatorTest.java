package io.septum.model.policy.k8s;

import io.septum.model.identity.K8sIdentityLabels;
import io.septum.model.labels.Labels;
import io.septum.model.net.Ipv4Cidr;
import io.septum.model.policy.Direction;
import io.septum.model.policy.PolicyParser;
import io.septum.model.policy.Protocol;
import io.septum.model.policy.rules.Peer;
import io.septum.model.policy.rules.PolicyRules;
import io.septum.model.policy.rules.PortRule;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class NetworkPolicyTranslatorTest {

    private static final Labels X_A = K8sIdentityLabels.forPod("x", Map.of("pod", "a"), Map.of("team", "blue"));
    private static final Labels Y_A = K8sIdentityLabels.forPod("y", Map.of("pod", "a"), Map.of("team", "red"));
    private static final Labels Y_B = K8sIdentityLabels.forPod("y", Map.of("pod", "b"), Map.of("team", "red"));

    private static PolicyRules rules(String spec) throws Exception {
        String doc = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\nspec:\n" + spec.indent(2);
        return PolicyParser.parse(doc).getFirst().toRules().getFirst();
    }

    @Test
    void policyTypesDefaultToIngressPlusEgressWhenThereAreEgressRules() throws Exception {
        assertThat(rules("podSelector: {}").isolates()).containsExactly(Direction.INGRESS);
        assertThat(rules("podSelector: {}\negress: [{}]").isolates()).containsExactlyInAnyOrder(Direction.INGRESS, Direction.EGRESS);
        assertThat(rules("podSelector: {}\npolicyTypes: [Egress]").isolates()).containsExactly(Direction.EGRESS);
    }

    @Test
    void selectsPodsOfItsOwnNamespaceOnly() throws Exception {
        PolicyRules r = rules("podSelector: {matchLabels: {pod: a}}");
        assertThat(r.subject().matches(X_A)).isTrue();
        assertThat(r.subject().matches(Y_A)).isFalse();
        assertThat(rules("podSelector: {}").subject().matches(X_A)).isTrue();
    }

    @Test
    void peerSelectorsFollowKubernetesNamespaceRules() throws Exception {
        PolicyRules r = rules("""
                podSelector: {}
                ingress:
                  - from:
                      - podSelector: {matchLabels: {pod: a}}
                      - namespaceSelector: {matchLabels: {team: red}}
                      - namespaceSelector: {matchLabels: {team: red}}
                        podSelector: {matchLabels: {pod: b}}
                      - namespaceSelector: {}
                """);
        List<Peer> peers = r.rules().getFirst().peers();
        Peer samNamespace = peers.get(0), redNamespaces = peers.get(1), redB = peers.get(2), everyNamespace = peers.get(3);
        assertThat(matches(samNamespace, X_A)).isTrue();
        assertThat(matches(samNamespace, Y_A)).isFalse();
        assertThat(matches(redNamespaces, Y_A)).isTrue();
        assertThat(matches(redNamespaces, X_A)).isFalse();
        assertThat(matches(redB, Y_B)).isTrue();
        assertThat(matches(redB, Y_A)).isFalse();
        assertThat(matches(everyNamespace, X_A)).isTrue();
        assertThat(matches(everyNamespace, Labels.parse(List.of("reserved:world")))).as("a pod-less identity is in no namespace").isFalse();
    }

    @Test
    void emptyFromMeansAnyPeerAndPortsTranslate() throws Exception {
        PolicyRules r = rules("""
                podSelector: {}
                ingress:
                  - ports: [{port: 80}, {protocol: UDP, port: 53}, {port: http}, {port: 1000, endPort: 2000}, {protocol: UDP}]
                """);
        var rule = r.rules().getFirst();
        assertThat(rule.peers()).containsExactly(new Peer.Any());
        assertThat(rule.ports()).containsExactly(PortRule.port(Protocol.TCP, 80), PortRule.port(Protocol.UDP, 53),
                new PortRule(Protocol.TCP, 0, 0, "http"), new PortRule(Protocol.TCP, 1000, 2000, null), PortRule.allPorts(Protocol.UDP));
    }

    @Test
    void ipBlocksBecomeCidrPeersAndIpv6BlocksMatchNothing() throws Exception {
        PolicyRules r = rules("""
                podSelector: {}
                policyTypes: [Egress]
                egress:
                  - to:
                      - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
                      - ipBlock: {cidr: 'fd00::/64'}
                """);
        assertThat(r.rules().getFirst().peers()).containsExactly(
                new Peer.Cidr(Ipv4Cidr.parse("10.0.0.0/8"), List.of(Ipv4Cidr.parse("10.1.0.0/16"))));
    }

    @Test
    void rulesOfADirectionThePolicyDoesNotIsolateAreDropped() throws Exception {
        PolicyRules r = rules("podSelector: {}\npolicyTypes: [Ingress]\negress: [{}]");
        assertThat(r.isolates()).isEqualTo(Set.of(Direction.INGRESS));
        assertThat(r.rules()).isEmpty();
    }

    private static boolean matches(Peer peer, Labels labels) {
        return ((Peer.Selected) peer).selector().matches(labels);
    }
}
