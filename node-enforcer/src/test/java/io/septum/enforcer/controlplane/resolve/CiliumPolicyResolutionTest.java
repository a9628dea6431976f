package io.septum.enforcer.controlplane.resolve;

import io.septum.enforcer.controlplane.cluster.ClusterChanges;
import io.septum.enforcer.controlplane.cluster.ClusterState;
import io.septum.enforcer.controlplane.mapstate.PolicyEntry;
import io.septum.enforcer.controlplane.mapstate.PolicyKey;
import io.septum.enforcer.controlplane.mapstate.RuleRefs;
import io.septum.model.identity.K8sIdentityLabels;
import io.septum.model.identity.ReservedIdentity;
import io.septum.model.labels.Label;
import io.septum.model.labels.Labels;
import io.septum.model.policy.PolicyParser;
import io.septum.model.policy.PolicyRef;
import io.septum.model.policy.rules.RuleRef;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.septum.model.policy.Direction.EGRESS;
import static io.septum.model.policy.Direction.INGRESS;
import static org.assertj.core.api.Assertions.assertThat;

/** CiliumNetworkPolicy resolved beside NetworkPolicy, with the real parser and selector cache. */
class CiliumPolicyResolutionTest {

    private static final int XA = 300, XB = 301, YA = 302;
    private static final int TCP = 6, UDP = 17, SCTP = 132, ICMP = 1;
    private static final int HOST = ReservedIdentity.HOST.id().value();
    private static final int WORLD = ReservedIdentity.WORLD.id().value();
    private static final int REMOTE_NODE = ReservedIdentity.REMOTE_NODE.id().value();

    private final ClusterState cluster = new ClusterState();
    private final EndpointPolicyResolver resolver = new EndpointPolicyResolver(false);

    @BeforeEach
    void pods() {
        cluster.upsertIdentity(XA, K8sIdentityLabels.forPod("x", Map.of("app", "a"), Map.of()));
        cluster.upsertIdentity(XB, K8sIdentityLabels.forPod("x", Map.of("app", "b"), Map.of()));
        cluster.upsertIdentity(YA, K8sIdentityLabels.forPod("y", Map.of("app", "a"), Map.of()));
    }

    private void apply(String kind, String name, String spec) throws Exception {
        String api = kind.equals("NetworkPolicy") ? "networking.k8s.io/v1" : "cilium.io/v2";
        String doc = "apiVersion: " + api + "\nkind: " + kind + "\nmetadata: {name: " + name + ", namespace: x}\n" + spec;
        cluster.upsertPolicy(PolicyParser.parse(doc).getFirst().toRules());
    }

    private Resolution resolve(int id) {
        return resolver.resolve(new EndpointSubject(id, cluster.selectors().labels(id), List.of()), cluster, new RuleRefs());
    }

    private Map<PolicyKey, PolicyEntry> entries(int id) {
        return resolve(id).state().entries();
    }

    @Test
    void entitiesAreReservedIdentitiesAndClusterIsEveryPodPlusTheNodes() throws Exception {
        apply("CiliumNetworkPolicy", "p", """
                spec:
                  endpointSelector: {matchLabels: {app: a}}
                  ingress: [{fromEntities: [world, host]}, {fromEntities: [cluster], toPorts: [{ports: [{port: "80", protocol: TCP}]}]}]
                  egress: [{toEntities: [all]}]
                """);
        assertThat(entries(XA).keySet()).contains(PolicyKey.anyProtocol(WORLD, INGRESS), PolicyKey.anyProtocol(HOST, INGRESS),
                PolicyKey.exactPort(XB, INGRESS, TCP, 80), PolicyKey.exactPort(YA, INGRESS, TCP, 80),
                PolicyKey.exactPort(REMOTE_NODE, INGRESS, TCP, 80), PolicyKey.anyProtocol(0, EGRESS));
        assertThat(entries(XA).keySet()).doesNotContain(PolicyKey.exactPort(WORLD, INGRESS, TCP, 80));
    }

    @Test
    void aNodeSelectorSelectsTheHostEndpointByNodeLabelsAndNoPodSelectorDoes() throws Exception {
        String ccnp = "apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: host-fw}\n" + """
                spec:
                  nodeSelector: {matchLabels: {role: ingress}}
                  ingress: [{fromEntities: [world], toPorts: [{ports: [{port: "22", protocol: TCP}]}]},
                            {fromEndpoints: [{matchLabels: {app: a}}], toPorts: [{ports: [{port: "8080", protocol: TCP}]}]}]
                """;
        cluster.upsertPolicy(PolicyParser.parse(ccnp).getFirst().toRules());
        apply("CiliumNetworkPolicy", "pods", "spec: {endpointSelector: {}, egress: [{toEntities: [world]}]}");
        // The host endpoint as the agent describes it: the host identity, reserved:host and the node's labels.
        Labels ingressNode = ReservedIdentity.HOST.labels().with(Labels.fromMap(Label.SOURCE_NODE, Map.of("role", "ingress")));
        Labels workerNode = ReservedIdentity.HOST.labels().with(Labels.fromMap(Label.SOURCE_NODE, Map.of("role", "worker")));
        Map<PolicyKey, PolicyEntry> host = resolver.resolve(new EndpointSubject(HOST, ingressNode, List.of()), cluster, new RuleRefs())
                .state().entries();
        assertThat(host.keySet()).containsExactlyInAnyOrder(PolicyKey.exactPort(WORLD, INGRESS, TCP, 22),
                PolicyKey.exactPort(XA, INGRESS, TCP, 8080), PolicyKey.exactPort(YA, INGRESS, TCP, 8080),
                PolicyKey.anyProtocol(0, EGRESS)); // ingress default deny; egress open (the pod policy is not the host's)
        assertThat(resolver.resolve(new EndpointSubject(HOST, workerNode, List.of()), cluster, new RuleRefs()).state().entries().keySet())
                .as("an unselected node allows everything").containsExactlyInAnyOrder(PolicyKey.anyProtocol(0, INGRESS), PolicyKey.anyProtocol(0, EGRESS));
        assertThat(entries(XA).keySet()).as("the host policy selects no pod").contains(PolicyKey.anyProtocol(0, INGRESS));
    }

    @Test
    void aCiliumDenyWinsOverANetworkPolicyAllow() throws Exception {
        apply("NetworkPolicy", "allow-all", "spec: {podSelector: {}, ingress: [{}]}");
        apply("CiliumNetworkPolicy", "deny-b", """
                spec:
                  endpointSelector: {matchLabels: {app: a}}
                  ingressDeny: [{fromEndpoints: [{matchLabels: {app: b}}], toPorts: [{ports: [{port: "80", endPort: 81, protocol: ANY}]}]}]
                """);
        Map<PolicyKey, PolicyEntry> xa = entries(XA);
        assertThat(xa.get(PolicyKey.anyProtocol(0, INGRESS)).deny()).isFalse();
        for (int protocol : List.of(TCP, UDP, SCTP)) {
            assertThat(xa.get(new PolicyKey(XB, INGRESS, protocol, 80, PolicyKey.PROTOCOL_BITS + 15)).deny()).isTrue();
        }
    }

    @Test
    void denyCoversANarrowerAllowOfTheSameIdentity() throws Exception {
        apply("CiliumNetworkPolicy", "allow", """
                spec:
                  endpointSelector: {}
                  ingress: [{fromEndpoints: [{matchLabels: {app: b}}], toPorts: [{ports: [{port: "8080", protocol: TCP}]}]}]
                """);
        apply("CiliumNetworkPolicy", "deny", "spec: {endpointSelector: {}, ingressDeny: [{fromEndpoints: [{matchLabels: {app: b}}]}]}");
        Map<PolicyKey, PolicyEntry> xa = entries(XA);
        assertThat(xa).doesNotContainKey(PolicyKey.exactPort(XB, INGRESS, TCP, 8080));
        assertThat(xa.get(PolicyKey.anyProtocol(XB, INGRESS)).deny()).isTrue();
    }

    @Test
    void auditModeAuditsTheDirectionsThePolicyCanDropIn() throws Exception {
        cluster.upsertPolicy(PolicyParser.parse("""
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: audited, namespace: x, annotations: {policy.septum.io/audit: "true"}}
                spec:
                  endpointSelector: {matchLabels: {app: a}}
                  egressDeny: [{toEntities: [world]}]
                """).getFirst().toRules());
        assertThat(resolve(XA).audited()).containsExactly(EGRESS);
        assertThat(resolve(XB).audited()).isEmpty();
        assertThat(entries(XA).get(PolicyKey.anyProtocol(WORLD, EGRESS)).deny()).as("still computed as a deny").isTrue();
    }

    @Test
    void icmpTypesAndDefaultDenyOff() throws Exception {
        apply("CiliumNetworkPolicy", "p", """
                spec:
                  endpointSelector: {}
                  ingress: [{fromEndpoints: [{matchLabels: {app: b}}], icmps: [{fields: [{type: 8}]}]}]
                  enableDefaultDeny: {ingress: false}
                """);
        Map<PolicyKey, PolicyEntry> xa = entries(XA);
        assertThat(xa).containsKey(PolicyKey.exactPort(XB, INGRESS, ICMP, 8));
        assertThat(xa).as("not isolated: everything else still allowed").containsKey(PolicyKey.anyProtocol(0, INGRESS));
    }

    @Test
    void eachElementOfSpecsSelectsItsOwnEndpointsAndNamesItsRules() throws Exception {
        apply("CiliumNetworkPolicy", "multi", """
                specs:
                  - endpointSelector: {matchLabels: {app: a}}
                    ingress: [{fromEndpoints: [{matchLabels: {app: b}}], toPorts: [{ports: [{port: "80", protocol: TCP}]}]}]
                  - endpointSelector: {matchLabels: {app: b}}
                    egressDeny: [{toEndpoints: [{matchLabels: {app: a}}]}]
                  - endpointSelector: {}
                    ingress: [{fromEntities: [world], toPorts: [{ports: [{port: "443", protocol: TCP}]}]}]
                """);
        assertThat(cluster.policyCount()).isEqualTo(1);
        assertThat(cluster.policies()).hasSize(3);

        Map<PolicyKey, PolicyEntry> xa = entries(XA);
        PolicyEntry fromB = xa.get(PolicyKey.exactPort(XB, INGRESS, TCP, 80));
        assertThat(fromB.ruleRef()).as("specs[0] allows x/b to x/a on 80").isEqualTo(ruleNumber("multi", "specs[0].ingress[0]"));
        assertThat(xa.get(PolicyKey.exactPort(WORLD, INGRESS, TCP, 443)).ruleRef()).as("specs[2] selects every pod of x")
                .isEqualTo(ruleNumber("multi", "specs[2].ingress[0]"));
        assertThat(xa).as("specs[1] does not select x/a: its egress stays open").containsKey(PolicyKey.anyProtocol(0, EGRESS));
        assertThat(xa).as("specs[0] and specs[2] isolate ingress").doesNotContainKey(PolicyKey.anyProtocol(0, INGRESS));

        Map<PolicyKey, PolicyEntry> xb = entries(XB);
        PolicyEntry toA = xb.get(PolicyKey.anyProtocol(XA, EGRESS));
        assertThat(toA.deny()).isTrue();
        assertThat(toA.ruleRef()).isEqualTo(ruleNumber("multi", "specs[1].egressDeny[0]"));
        assertThat(xb).as("specs[1]'s egressDeny isolates x/b's egress, as in Cilium").doesNotContainKey(PolicyKey.anyProtocol(0, EGRESS));
        assertThat(xb).as("specs[0] does not select x/b").doesNotContainKey(PolicyKey.exactPort(XB, INGRESS, TCP, 80));
        assertThat(xb).containsKey(PolicyKey.exactPort(WORLD, INGRESS, TCP, 443));

        assertThat(entries(YA)).as("a CNP's specs stay in its namespace")
                .containsOnlyKeys(PolicyKey.anyProtocol(0, INGRESS), PolicyKey.anyProtocol(0, EGRESS));
    }

    @Test
    void droppingAnElementOfSpecsReleasesItsEndpointsAndTellsWhichChanged() throws Exception {
        apply("CiliumNetworkPolicy", "multi", """
                specs:
                  - endpointSelector: {matchLabels: {app: a}}
                    ingress: [{fromEndpoints: [{matchLabels: {app: b}}]}]
                  - endpointSelector: {matchLabels: {app: b}}
                    ingress: [{fromEndpoints: [{matchLabels: {app: a}}]}]
                """);
        cluster.drainChanges();
        Resolution xa = resolve(XA);
        Resolution xb = resolve(XB);
        assertThat(xb.state().entries()).doesNotContainKey(PolicyKey.anyProtocol(0, INGRESS));

        apply("CiliumNetworkPolicy", "multi", """
                specs:
                  - endpointSelector: {matchLabels: {app: a}}
                    ingress: [{fromEndpoints: [{matchLabels: {app: b}}]}]
                """);
        ClusterChanges changes = cluster.drainChanges();
        EndpointSubject b = new EndpointSubject(XB, cluster.selectors().labels(XB), List.of());
        EndpointSubject a = new EndpointSubject(XA, cluster.selectors().labels(XA), List.of());
        assertThat(xb.inputs().affectedBy(changes, b)).as("x/b was selected by the element removed").isTrue();
        assertThat(xa.inputs().affectedBy(changes, a)).as("x/a is selected by an element of the changed policy").isTrue();
        assertThat(cluster.policies()).hasSize(1);
        assertThat(entries(XB)).containsOnlyKeys(PolicyKey.anyProtocol(0, INGRESS), PolicyKey.anyProtocol(0, EGRESS));
        assertThat(entries(XA)).isEqualTo(xa.state().entries());

        cluster.removePolicy(new PolicyRef("CiliumNetworkPolicy", "x", "multi"));
        assertThat(cluster.policies()).isEmpty();
        assertThat(entries(XA)).containsOnlyKeys(PolicyKey.anyProtocol(0, INGRESS), PolicyKey.anyProtocol(0, EGRESS));
    }

    /** The number the datapath carries for the rule at {@code path} ("specs[1].egressDeny[0]") of CNP x/{@code policy}. */
    private static int ruleNumber(String policy, String path) {
        int bracket = path.lastIndexOf('[');
        String section = path.substring(0, bracket);
        RuleRef ref = new RuleRef(new PolicyRef("CiliumNetworkPolicy", "x", policy), section.toLowerCase(java.util.Locale.ROOT).contains("ingress")
                ? INGRESS : EGRESS, Integer.parseInt(path.substring(bracket + 1, path.length() - 1)), section);
        assertThat(ref.path()).isEqualTo(path);
        return ref.number();
    }
}
