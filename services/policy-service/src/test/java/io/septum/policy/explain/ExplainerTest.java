package io.septum.policy.explain;

import io.septum.enforcer.controlplane.cluster.ClusterState;
import io.septum.model.identity.K8sIdentityLabels;
import io.septum.model.kv.IpcacheRecord;
import io.septum.model.kv.NamedPort;
import io.septum.model.policy.PolicyParser;
import io.septum.model.labels.EndpointSelector;
import io.septum.model.labels.SelectorRequirement;
import io.septum.model.policy.Direction;
import io.septum.model.policy.PolicyRef;
import io.septum.model.policy.Protocol;
import io.septum.model.policy.rules.Peer;
import io.septum.model.policy.rules.PolicyRule;
import io.septum.model.policy.rules.PolicyRules;
import io.septum.model.policy.rules.PortRule;
import io.septum.model.policy.rules.RuleRef;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Explain on the e2e suite's model (namespaces x, y; pods a, b) with the enforcer's real cluster state and resolver. */
class ExplainerTest {

    private final ClusterState cluster = new ClusterState();
    private final Explainer explainer = new Explainer(true);

    @BeforeEach
    void pods() {
        pod(300, "x", "a", "10.0.1.1", List.of());
        pod(301, "x", "b", "10.0.1.2", List.of(new NamedPort("http", 8080, "TCP")));
        pod(302, "y", "a", "10.0.2.1", List.of());
    }

    private void pod(int identity, String namespace, String pod, String address, List<NamedPort> ports) {
        cluster.upsertIdentity(identity, K8sIdentityLabels.forPod(namespace, Map.of("pod", pod), Map.of()));
        cluster.upsertIpcache(new IpcacheRecord(address + "/32", identity, "node-0", namespace, pod, ports));
    }

    private void apply(String yaml) throws Exception {
        PolicyParser.parse(yaml).forEach(object -> cluster.upsertPolicy(object.toRules()));
    }

    private Explanation explain(String from, String to, int port) {
        return explainer.explain(cluster, from, to, port, Protocol.TCP);
    }

    @Test
    void withoutPoliciesEverythingPassesAndNoDirectionIsIsolated() {
        Explanation e = explain("x/a", "x/b", 80);
        assertThat(e.verdict()).isEqualTo("allowed");
        assertThat(e.egress().reason()).isEqualTo("not isolated");
        assertThat(e.ingress().reason()).isEqualTo("not isolated");
        assertThat(e.to().pod()).isEqualTo("b");
        assertThat(e.to().identity()).isEqualTo(301);
        assertThat(e.from().labels()).contains("k8s:pod=a");
    }

    @Test
    void anAllowRuleNamesItselfAndOtherPortsFallToDefaultDenyOfTheSelectingPolicy() throws Exception {
        apply("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: allow-a, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: b}}
                  ingress:
                  - from: [{podSelector: {matchLabels: {pod: a}}}]
                    ports: [{port: 80, protocol: TCP}]
                  - from: [{podSelector: {matchLabels: {pod: a}}}]
                    ports: [{port: http}]
                """);
        Explanation allowed = explain("x/a", "x/b", 80);
        assertThat(allowed.verdict()).isEqualTo("allowed");
        assertThat(allowed.ingress().reason()).isEqualTo("allowed by rule");
        assertThat(allowed.ingress().rule()).isEqualTo("NetworkPolicy x/allow-a ingress[0]");
        assertThat(allowed.ingress().matchingRules()).extracting(Explanation.RuleMatch::index).containsExactly(0);

        Explanation named = explain("x/a", "10.0.1.2", 8080);
        assertThat(named.verdict()).isEqualTo("allowed");
        assertThat(named.ingress().rule()).isEqualTo("NetworkPolicy x/allow-a ingress[1]");

        Explanation otherPort = explain("x/a", "x/b", 81);
        assertThat(otherPort.verdict()).isEqualTo("denied");
        assertThat(otherPort.egress().verdict()).isEqualTo("allowed");
        assertThat(otherPort.ingress().reason()).isEqualTo("default deny");
        assertThat(otherPort.ingress().rule()).isEmpty();
        assertThat(otherPort.ingress().isolatedBy()).containsExactly("NetworkPolicy x/allow-a");
        assertThat(otherPort.ingress().matchingRules()).isEmpty();

        Explanation otherNamespace = explain("y/a", "x/b", 80);
        assertThat(otherNamespace.verdict()).isEqualTo("denied");
        assertThat(otherNamespace.ingress().reason()).isEqualTo("default deny");

        // The reverse direction is not isolated by an ingress-only policy.
        assertThat(explain("x/b", "x/a", 80).verdict()).isEqualTo("allowed");
    }

    @Test
    void aDropInADirectionAPolicyInAuditModeSelectsIsAuditedNotDenied() throws Exception {
        apply("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: allow-a, namespace: x, annotations: {policy.septum.io/audit: "true"}}
                spec:
                  podSelector: {matchLabels: {pod: b}}
                  ingress:
                  - from: [{podSelector: {matchLabels: {pod: a}}}]
                    ports: [{port: 80, protocol: TCP}]
                """);
        // What the policy allows stays allowed, by its rule.
        Explanation allowed = explain("x/a", "x/b", 80);
        assertThat(allowed.verdict()).isEqualTo("allowed");
        assertThat(allowed.ingress().rule()).isEqualTo("NetworkPolicy x/allow-a ingress[0]");

        // What it would drop is let through as AUDIT: the reason still says why it would be dropped.
        Explanation audited = explain("y/a", "x/b", 80);
        assertThat(audited.verdict()).isEqualTo("audited");
        assertThat(audited.ingress().verdict()).isEqualTo("audited");
        assertThat(audited.ingress().reason()).isEqualTo("default deny");
        assertThat(audited.ingress().isolatedBy()).containsExactly("NetworkPolicy x/allow-a");
        assertThat(audited.egress().verdict()).isEqualTo("allowed");

        // A deny from a policy not in audit mode, in the other direction, is still a drop: denied wins over audited.
        apply("""
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: deny-egress, namespace: y}
                spec:
                  endpointSelector: {matchLabels: {pod: a}}
                  egressDeny: [{toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: x}}]}]
                """);
        Explanation denied = explain("y/a", "x/b", 80);
        assertThat(denied.egress().verdict()).isEqualTo("denied");
        assertThat(denied.egress().reason()).isEqualTo("denied by deny rule");
        assertThat(denied.ingress().verdict()).isEqualTo("audited");
        assertThat(denied.verdict()).isEqualTo("denied");
    }

    @Test
    void egressToAddressesOutsideThePodsIsDecidedAtTheSourceOnly() throws Exception {
        apply("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: egress-block, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  policyTypes: [Egress]
                  egress:
                  - to: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.128/25]}}]
                    ports: [{port: 443, protocol: TCP}]
                """);
        Explanation inside = explain("x/a", "203.0.113.10", 443);
        assertThat(inside.verdict()).isEqualTo("allowed");
        assertThat(inside.egress().rule()).isEqualTo("NetworkPolicy x/egress-block egress[0]");
        assertThat(inside.ingress().enforced()).isFalse();
        assertThat(inside.to().pod()).isEmpty();
        assertThat(inside.to().identity()).isEqualTo(2);

        Explanation excepted = explain("x/a", "203.0.113.200", 443);
        assertThat(excepted.verdict()).isEqualTo("denied");
        assertThat(excepted.egress().reason()).isEqualTo("default deny");
        assertThat(excepted.egress().isolatedBy()).containsExactly("NetworkPolicy x/egress-block");

        // The pod network is not in the block: x/a may no longer reach x/b at all.
        assertThat(explain("x/a", "x/b", 80).egress().reason()).isEqualTo("default deny");
    }

    @Test
    void aDenyRuleWinsOverAnAllowAndIsNamed() throws Exception {
        apply("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: allow-a, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: b}}
                  ingress:
                  - from: [{podSelector: {matchLabels: {pod: a}}}]
                """);
        // Deny rules come from the policy kinds that have them; here built directly on the shared rule model.
        PolicyRef deny = new PolicyRef("CiliumNetworkPolicy", "x", "deny-a");
        EndpointSelector podB = EndpointSelector.of(SelectorRequirement.equalTo(K8sIdentityLabels.podLabelKey("pod"), "b"));
        EndpointSelector podA = EndpointSelector.of(SelectorRequirement.equalTo(K8sIdentityLabels.podLabelKey("pod"), "a"));
        cluster.upsertPolicy(new PolicyRules(deny, podB, Set.of(), List.of(new PolicyRule(new RuleRef(deny, Direction.INGRESS, 0),
                Direction.INGRESS, PolicyRule.Action.DENY, List.of(new Peer.Selected(podA)), List.of(PortRule.port(Protocol.TCP, 81))))));

        Explanation denied = explain("x/a", "x/b", 81);
        assertThat(denied.verdict()).isEqualTo("denied");
        assertThat(denied.ingress().reason()).isEqualTo("denied by deny rule");
        assertThat(denied.ingress().rule()).isEqualTo("CiliumNetworkPolicy x/deny-a ingress[0]");
        assertThat(denied.ingress().matchingRules()).extracting(Explanation.RuleMatch::action).containsExactlyInAnyOrder("allow", "deny");
        Explanation allowed = explain("x/a", "x/b", 80);
        assertThat(allowed.verdict()).isEqualTo("allowed");
        assertThat(allowed.ingress().rule()).isEqualTo("NetworkPolicy x/allow-a ingress[0]");
    }

    @Test
    void unknownOrMalformedEndsNameTheParameter() {
        assertThatThrownBy(() -> explain("x/nope", "x/b", 80)).isInstanceOf(Explainer.ExplainException.class)
                .hasMessage("query parameter from: no pod x/nope in the ipcache");
        assertThatThrownBy(() -> explain("x/a", "x/b/c", 80)).hasMessageStartingWith("query parameter to: 'x/b/c' must be NS/POD");
        assertThatThrownBy(() -> explain("203.0.113.1", "x/b", 80)).hasMessageStartingWith("query parameter from: '203.0.113.1' is not a pod");
        assertThatThrownBy(() -> explain("x/a", "300.1.1.1", 80)).hasMessageStartingWith("query parameter to: '300.1.1.1'");
    }

    @Test
    void aRuleOfSpecsIsNamedByItsPathAndAPolicyIsolatesOnceHoweverManyElementsSelect() throws Exception {
        apply("""
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: multi, namespace: x}
                specs:
                  - endpointSelector: {matchLabels: {pod: b}}
                    ingress: [{fromEndpoints: [{matchLabels: {pod: a}}], toPorts: [{ports: [{port: "80", protocol: TCP}]}]}]
                  - endpointSelector: {}
                    ingressDeny: [{fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: y}}]}]
                """);
        Explanation allowed = explain("x/a", "x/b", 80);
        assertThat(allowed.verdict()).isEqualTo("allowed");
        assertThat(allowed.ingress().rule()).isEqualTo("CiliumNetworkPolicy x/multi specs[0].ingress[0]");
        assertThat(allowed.ingress().matchingRules()).singleElement().satisfies(m -> {
            assertThat(m.path()).isEqualTo("specs[0].ingress[0]");
            assertThat(m.index()).isZero();
        });
        Explanation isolated = explain("x/a", "x/b", 81);
        assertThat(isolated.ingress().reason()).isEqualTo("default deny");
        assertThat(isolated.ingress().isolatedBy()).as("both elements select x/b").containsExactly("CiliumNetworkPolicy x/multi");
        Explanation denied = explain("y/a", "x/b", 80);
        assertThat(denied.ingress().reason()).isEqualTo("denied by deny rule");
        assertThat(denied.ingress().rule()).isEqualTo("CiliumNetworkPolicy x/multi specs[1].ingressDeny[0]");
        assertThat(explain("y/a", "x/a", 80).ingress().rule()).as("specs[1] selects x/a too")
                .isEqualTo("CiliumNetworkPolicy x/multi specs[1].ingressDeny[0]");
    }
}
