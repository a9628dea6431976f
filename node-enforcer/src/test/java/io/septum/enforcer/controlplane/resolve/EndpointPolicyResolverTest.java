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
import io.septum.model.net.Ipv4Cidr;
import io.septum.model.policy.Direction;
import io.septum.model.policy.PolicyObject;
import io.septum.model.policy.PolicyParser;
import io.septum.model.policy.PolicyRef;
import io.septum.model.policy.rules.PolicyRule;
import io.septum.model.policy.rules.PolicyRules;
import io.septum.model.policy.rules.RuleRef;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static io.septum.model.policy.Direction.EGRESS;
import static io.septum.model.policy.Direction.INGRESS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Policy resolution on the e2e suite's model (namespaces x, y; pods a, b), with the real parser,
 * translator and selector cache.
 */
class EndpointPolicyResolverTest {

    private static final int XA = 300, XB = 301, YA = 302;
    private static final int TCP = 6, UDP = 17, SCTP = 132;
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
        assertThat(keys(resolver.resolve(xa, cluster, new RuleRefs()).state()))
                .contains(PolicyKey.exactPort(0, INGRESS, TCP, 81), PolicyKey.exactPort(XB, EGRESS, TCP, 8181));
    }

    @Test
    void portRangesBecomePrefixes() throws Exception {
        apply("podSelector: {}\ningress: [{ports: [{port: 80, endPort: 81}, {protocol: UDP}]}]");
        assertThat(keys(resolve(XA))).contains(new PolicyKey(0, INGRESS, TCP, 80, PolicyKey.PROTOCOL_BITS + 15), PolicyKey.anyPort(0, INGRESS, UDP));
    }

    @Test
    void ipBlocksUseNodeLocalCidrIdentitiesAndZeroSlashZeroIsAPrefixNotTheWorld() throws Exception {
        apply("""
                podSelector: {}
                policyTypes: [Egress]
                egress: [{to: [{ipBlock: {cidr: 192.0.2.0/24, except: [192.0.2.128/25]}}, {ipBlock: {cidr: 0.0.0.0/0}}]}]
                """);
        MapState state = resolve(XA);
        var prefixes = cluster.cidrIdentities().prefixes();
        assertThat(prefixes).containsOnlyKeys(Ipv4Cidr.parse("192.0.2.0/24"), Ipv4Cidr.parse("192.0.2.128/25"), Ipv4Cidr.parse("0.0.0.0/0"));
        int block = prefixes.get(Ipv4Cidr.parse("192.0.2.0/24"));
        int except = prefixes.get(Ipv4Cidr.parse("192.0.2.128/25"));
        int all = prefixes.get(Ipv4Cidr.parse("0.0.0.0/0"));
        assertThat(List.of(block, except, all)).allMatch(id -> new NumericIdentity(id).isNodeLocal()).doesNotHaveDuplicates();
        // The /24 allows its own identity; 0.0.0.0/0 allows every prefix identity inside it, its own included.
        // The world (no ipcache entry) is an identity of its own, which no ipBlock stands for.
        assertThat(keys(state)).containsExactlyInAnyOrder(PolicyKey.anyProtocol(block, EGRESS), PolicyKey.anyProtocol(except, EGRESS),
                PolicyKey.anyProtocol(all, EGRESS), PolicyKey.anyProtocol(0, INGRESS));
    }

    /** Pods of the e2e model with addresses: x/a 10.0.0.1, x/b 10.0.0.2, y/a 10.0.1.1; 192.0.2.1 and 8.8.8.8 are outside. */
    record Reach(String peer, int port, boolean allowed) {
        @Override
        public String toString() {
            return peer + ":" + port + (allowed ? " allowed" : " denied");
        }
    }

    record IpBlockCase(String name, List<String> policies, Direction direction, List<Reach> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<IpBlockCase> ipBlockCases() {
        return Stream.of(
                new IpBlockCase("egress to a CIDR holding pods, with except carving out one pod's /32", List.of("""
                        podSelector: {matchLabels: {pod: a}}
                        policyTypes: [Egress]
                        egress: [{to: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.0.2/32]}}]}]
                        """), EGRESS, List.of(new Reach("10.0.1.1", 80, true), new Reach("10.0.0.2", 80, false),
                        new Reach("10.0.200.9", 80, true), new Reach("192.0.2.1", 80, false))),
                new IpBlockCase("egress to 0.0.0.0/0 except a namespace's subnet", List.of("""
                        podSelector: {matchLabels: {pod: a}}
                        policyTypes: [Egress]
                        egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.1.0/24]}}], ports: [{port: 80}]}]
                        """), EGRESS, List.of(new Reach("10.0.0.2", 80, true), new Reach("10.0.0.2", 81, false),
                        new Reach("10.0.1.1", 80, false), new Reach("8.8.8.8", 80, true))),
                new IpBlockCase("ingress from one pod's /32", List.of("""
                        podSelector: {matchLabels: {pod: a}}
                        ingress: [{from: [{ipBlock: {cidr: 10.0.0.2/32}}]}]
                        """), INGRESS, List.of(new Reach("10.0.0.2", 81, true), new Reach("10.0.1.1", 81, false))),
                new IpBlockCase("a narrower prefix named by another policy for another pod splits nothing of this one's block", List.of("""
                        podSelector: {matchLabels: {pod: a}}
                        policyTypes: [Egress]
                        egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}}]}]
                        """, """
                        podSelector: {matchLabels: {pod: b}}
                        policyTypes: [Egress]
                        egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.1.0/24]}}]}]
                        """), EGRESS, List.of(new Reach("10.0.1.1", 80, true), new Reach("10.0.0.2", 80, true),
                        new Reach("192.0.2.1", 80, false))),
                new IpBlockCase("an ipBlock and a podSelector peer in one rule add up", List.of("""
                        podSelector: {matchLabels: {pod: a}}
                        policyTypes: [Egress]
                        egress: [{to: [{ipBlock: {cidr: 192.0.2.0/24}}, {podSelector: {matchLabels: {pod: b}}}], ports: [{port: 81}]}]
                        """), EGRESS, List.of(new Reach("192.0.2.1", 81, true), new Reach("10.0.0.2", 81, true),
                        new Reach("10.0.1.1", 81, false), new Reach("192.0.2.1", 80, false))),
                new IpBlockCase("the except of one peer does not take away what another peer allows", List.of("""
                        podSelector: {matchLabels: {pod: a}}
                        policyTypes: [Egress]
                        egress: [{to: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.0.2/32]}}, {podSelector: {matchLabels: {pod: b}}}]}]
                        """), EGRESS, List.of(new Reach("10.0.0.2", 80, true), new Reach("10.0.1.1", 80, true))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ipBlockCases")
    void ipBlocksMatchPodAddressesLikeAnyOther(IpBlockCase c) throws Exception {
        addresses();
        for (int i = 0; i < c.policies().size(); i++) {
            apply(c.policies().get(i), "p" + i);
        }
        MapState state = resolve(XA);
        for (Reach reach : c.expected()) {
            assertThat(DecisionModel.allows(state, cluster, c.direction(), reach.peer(), TCP, reach.port())).as(reach.toString())
                    .isEqualTo(reach.allowed());
        }
        assertThat(keys(state)).noneMatch(k -> k.identity() == ReservedIdentity.WORLD.id().value());
    }

    @Test
    void sctpPortsBecomeSctpKeys() throws Exception {
        apply("podSelector: {}\ningress: [{ports: [{protocol: SCTP, port: 9000}, {protocol: SCTP, port: 9100, endPort: 9103}]}]");
        assertThat(keys(resolve(XA))).contains(PolicyKey.exactPort(0, INGRESS, SCTP, 9000),
                new PolicyKey(0, INGRESS, SCTP, 9100, PolicyKey.PROTOCOL_BITS + 14));
    }

    private void addresses() {
        cluster.upsertIpcache(new IpcacheRecord("10.0.0.1/32", XA, "node-0", "x", "a", List.of()));
        cluster.upsertIpcache(new IpcacheRecord("10.0.0.2/32", XB, "node-0", "x", "b", List.of()));
        cluster.upsertIpcache(new IpcacheRecord("10.0.1.1/32", YA, "node-1", "y", "a", List.of()));
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
        return resolver.resolve(subject(id), cluster, new RuleRefs()).state();
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
