package io.septum.enforcer.controlplane.resolve;

import io.septum.enforcer.controlplane.cluster.ClusterState;
import io.septum.enforcer.controlplane.mapstate.MapState;
import io.septum.enforcer.controlplane.mapstate.PolicyEntry;
import io.septum.enforcer.controlplane.mapstate.PolicyKey;
import io.septum.enforcer.controlplane.mapstate.RuleRefs;
import io.septum.model.identity.K8sIdentityLabels;
import io.septum.model.identity.NumericIdentity;
import io.septum.model.identity.ReservedIdentity;
import io.septum.model.kv.IpcacheRecord;
import io.septum.model.kv.NamedPort;
import io.septum.model.labels.Labels;
import io.septum.model.policy.Direction;
import io.septum.model.policy.PolicyObject;
import io.septum.model.policy.PolicyParser;
import io.septum.model.policy.PolicyRef;
import io.septum.model.policy.rules.PolicyRule;
import io.septum.model.policy.rules.PolicyRules;
import io.septum.model.policy.rules.RuleRef;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.septum.model.policy.Direction.EGRESS;
import static io.septum.model.policy.Direction.INGRESS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Policy resolution on the e2e suite's model (namespaces x, y; pods a, b), with the real parser,
 * translator and selector cache.
 */
class EndpointPolicyResolverTest {

    private static final int XA = 300, XB = 301, YA = 302;
    private static final int TCP = 6, UDP = 17;
    private static final int HOST = ReservedIdentity.HOST.id().value();

    private final ClusterState cluster = new ClusterState();
    private final EndpointPolicyResolver resolver = new EndpointPolicyResolver(true);

    @BeforeEach
    void pods() {
        identity(XA, "x", "a");
        identity(XB, "x", "b");
        identity(YA, "y", "a");
    }

    @Test
    void anEndpointNoPolicySelectsAllowsEverythingBothWays() throws Exception {
        apply("podSelector: {matchLabels: {pod: b}}");
        assertThat(keys(resolve(XA))).containsExactlyInAnyOrder(PolicyKey.anyProtocol(0, INGRESS), PolicyKey.anyProtocol(0, EGRESS));
    }

    @Test
    void theDemoPolicyAllowsOnlyTheSelectedPeerInAndLeavesEgressOpen() throws Exception {
        apply("""
                podSelector: {matchLabels: {pod: b}}
                ingress: [{from: [{podSelector: {matchLabels: {pod: a}}}]}]
                policyTypes: [Ingress]
                """);
        assertThat(keys(resolve(XB))).containsExactlyInAnyOrder(
                PolicyKey.anyProtocol(XA, INGRESS), PolicyKey.anyProtocol(HOST, INGRESS), PolicyKey.anyProtocol(0, EGRESS));
    }

    @Test
    void isolationWithoutRulesDeniesAllButTheHost() throws Exception {
        apply("podSelector: {}\npolicyTypes: [Ingress, Egress]");
        assertThat(keys(resolve(XA))).containsExactly(PolicyKey.anyProtocol(HOST, INGRESS));
    }

    @Test
    void severalPoliciesAddUp() throws Exception {
        apply("podSelector: {}\ningress: [{from: [{podSelector: {matchLabels: {pod: b}}}], ports: [{port: 80}]}]", "p1");
        apply("podSelector: {}\ningress: [{from: [{namespaceSelector: {matchLabels: {ns: y}}}], ports: [{port: 81, protocol: UDP}]}]", "p2");
        assertThat(keys(resolve(XA))).contains(PolicyKey.exactPort(XB, INGRESS, TCP, 80), PolicyKey.exactPort(YA, INGRESS, UDP, 81))
                .doesNotContain(PolicyKey.anyProtocol(0, INGRESS));
    }

    @Test
    void namedPortsResolveAgainstTheDestinationPod() throws Exception {
        apply("""
                podSelector: {}
                ingress: [{ports: [{port: serve-81}]}]
                egress: [{to: [{podSelector: {matchLabels: {pod: b}}}], ports: [{port: serve-81}]}]
                """);
        cluster.upsertIpcache(new IpcacheRecord("10.0.0.2/32", XB, "node-0", "x", "b", List.of(new NamedPort("serve-81", 8181, "TCP"))));
        EndpointSubject xa = new EndpointSubject(XA, labels("x", "a"), List.of(new NamedPort("serve-81", 81, "TCP")));
        assertThat(keys(resolver.resolve(xa, cluster, new RuleRefs())))
                .contains(PolicyKey.exactPort(0, INGRESS, TCP, 81), PolicyKey.exactPort(XB, EGRESS, TCP, 8181));
    }

    @Test
    void portRangesBecomePrefixes() throws Exception {
        apply("podSelector: {}\ningress: [{ports: [{port: 80, endPort: 81}, {protocol: UDP}]}]");
        assertThat(keys(resolve(XA))).contains(new PolicyKey(0, INGRESS, TCP, 80, PolicyKey.PROTOCOL_BITS + 15), PolicyKey.anyPort(0, INGRESS, UDP));
    }

    @Test
    void ipBlocksUseNodeLocalCidrIdentities() throws Exception {
        apply("""
                podSelector: {}
                policyTypes: [Egress]
                egress: [{to: [{ipBlock: {cidr: 192.0.2.0/24, except: [192.0.2.128/25]}}, {ipBlock: {cidr: 0.0.0.0/0}}]}]
                """);
        MapState state = resolve(XA);
        var prefixes = cluster.cidrIdentities().prefixes();
        assertThat(prefixes).containsOnlyKeys(io.septum.model.net.Ipv4Cidr.parse("192.0.2.0/24"), io.septum.model.net.Ipv4Cidr.parse("192.0.2.128/25"));
        int block = prefixes.get(io.septum.model.net.Ipv4Cidr.parse("192.0.2.0/24"));
        int except = prefixes.get(io.septum.model.net.Ipv4Cidr.parse("192.0.2.128/25"));
        assertThat(new NumericIdentity(block).isNodeLocal()).isTrue();
        // The /24 block allows its own identity; 0.0.0.0/0 allows every CIDR identity and the world.
        assertThat(keys(state)).contains(PolicyKey.anyProtocol(block, EGRESS), PolicyKey.anyProtocol(except, EGRESS),
                PolicyKey.anyProtocol(ReservedIdentity.WORLD.id().value(), EGRESS));
    }

    @Test
    void aDenyWinsAndHidesTheAllowsItCovers() {
        PolicyRef ref = new PolicyRef("Test", "x", "deny");
        cluster.upsertPolicy(new PolicyRules(ref, labelsSelector(), Set.of(INGRESS), List.of(
                rule(ref, 0, PolicyRule.Action.ALLOW, List.of(new io.septum.model.policy.rules.PortRule(io.septum.model.policy.Protocol.TCP, 80, 0, null))),
                rule(ref, 1, PolicyRule.Action.DENY, List.of()))));
        MapState state = resolve(XA);
        assertThat(state.entries()).containsEntry(PolicyKey.anyProtocol(0, INGRESS), state.entries().get(PolicyKey.anyProtocol(0, INGRESS)));
        assertThat(state.entries().get(PolicyKey.anyProtocol(0, INGRESS)).deny()).isTrue();
        assertThat(keys(state)).doesNotContain(PolicyKey.exactPort(0, INGRESS, TCP, 80));
    }

    @Test
    void identityChangesReachTheSelection() throws Exception {
        apply("podSelector: {}\ningress: [{from: [{podSelector: {matchLabels: {pod: c}}}]}]");
        assertThat(keys(resolve(XA))).doesNotContain(PolicyKey.anyProtocol(400, INGRESS));
        identity(400, "x", "c");
        assertThat(keys(resolve(XA))).contains(PolicyKey.anyProtocol(400, INGRESS));
        cluster.removeIdentity(400);
        assertThat(keys(resolve(XA))).doesNotContain(PolicyKey.anyProtocol(400, INGRESS));
    }

    @Test
    void sameInputsGiveSameEntriesAndRuleNumbers() throws Exception {
        apply("podSelector: {}\ningress: [{from: [{podSelector: {}}]}]");
        MapState first = resolve(XA);
        MapState second = resolve(XA);
        assertThat(first.entries()).isEqualTo(second.entries());
        PolicyEntry entry = first.entries().get(PolicyKey.anyProtocol(XB, INGRESS));
        RuleRefs refs = new RuleRefs();
        resolver.resolve(subject(XA), cluster, refs);
        assertThat(refs.lookup(entry.ruleRef())).contains(new RuleRef(new PolicyRef("NetworkPolicy", "x", "p"), INGRESS, 0));
    }

    // --- helpers ---

    private void identity(int id, String ns, String pod) {
        cluster.upsertIdentity(id, labels(ns, pod));
    }

    private static Labels labels(String ns, String pod) {
        return K8sIdentityLabels.forPod(ns, Map.of("pod", pod), Map.of("ns", ns));
    }

    private void apply(String spec) throws Exception {
        apply(spec, "p");
    }

    private void apply(String spec, String name) throws Exception {
        String doc = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " + name + ", namespace: x}\nspec:\n" + spec.indent(2);
        PolicyObject policy = PolicyParser.parse(doc).getFirst();
        cluster.upsertPolicy(policy.toRules());
    }

    private EndpointSubject subject(int id) {
        return new EndpointSubject(id, cluster.selectors().labels(id), List.of());
    }

    private MapState resolve(int id) {
        return resolver.resolve(subject(id), cluster, new RuleRefs());
    }

    private static Set<PolicyKey> keys(MapState state) {
        return state.entries().keySet();
    }

    private static io.septum.model.labels.EndpointSelector labelsSelector() {
        return io.septum.model.labels.EndpointSelector.ALL;
    }

    private static PolicyRule rule(PolicyRef ref, int index, PolicyRule.Action action, List<io.septum.model.policy.rules.PortRule> ports) {
        return new PolicyRule(new RuleRef(ref, Direction.INGRESS, index), Direction.INGRESS, action,
                List.of(new io.septum.model.policy.rules.Peer.Any()), ports);
    }
}
