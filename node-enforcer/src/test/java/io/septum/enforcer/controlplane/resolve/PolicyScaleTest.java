package io.septum.enforcer.controlplane.resolve;

import io.septum.enforcer.controlplane.cluster.ClusterState;
import io.septum.enforcer.controlplane.mapstate.PolicyKey;
import io.septum.enforcer.controlplane.mapstate.RuleRefs;
import io.septum.model.identity.K8sIdentityLabels;
import io.septum.model.policy.PolicyParser;
import io.septum.model.policy.PolicyRef;
import io.septum.model.policy.rules.RuleRef;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static io.septum.model.policy.Direction.EGRESS;
import static io.septum.model.policy.Direction.INGRESS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * "10,000 identities with an allow-all policy must fit": entry counts stay O(1) for allow-all and
 * O(selected) for allow-from-namespace however many identities exist, and the realistic worst case — every
 * identity allowed on a port range — is refused with a report that names the rule, instead of a partial policy.
 * Times are printed for the record, never asserted.
 */
class PolicyScaleTest {

    private static final int NAMESPACES = 100;
    private static final int PODS_PER_NAMESPACE = 100;
    private static final int FIRST_IDENTITY = 1000;
    private static final int ENDPOINT = FIRST_IDENTITY; // ns-0/pod-0

    private final ClusterState cluster = new ClusterState();
    private final EndpointPolicyResolver resolver = new EndpointPolicyResolver(true);

    @BeforeEach
    void tenThousandIdentities() {
        long start = System.nanoTime();
        for (int ns = 0; ns < NAMESPACES; ns++) {
            for (int pod = 0; pod < PODS_PER_NAMESPACE; pod++) {
                cluster.upsertIdentity(FIRST_IDENTITY + ns * PODS_PER_NAMESPACE + pod,
                        K8sIdentityLabels.forPod("ns-" + ns, Map.of("pod", "pod-" + pod), Map.of("tier", ns % 2 == 0 ? "even" : "odd")));
            }
        }
        report("add 10,000 identities", start);
    }

    @Test
    void allowAllIsOneEntryWhateverTheNumberOfIdentities() throws Exception {
        apply("allow-all", "podSelector: {}\ningress: [{}]\negress: [{}]");
        Resolution resolution = timedResolve("allow-all");
        assertThat(resolution.state().entries().keySet()).containsExactlyInAnyOrder(
                PolicyKey.anyProtocol(0, INGRESS), PolicyKey.anyProtocol(0, EGRESS), PolicyKey.anyProtocol(1, INGRESS));
    }

    @Test
    void allowFromANamespaceCostsOneEntryPerSelectedIdentity() throws Exception {
        apply("from-ns-7", "podSelector: {}\ningress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ns-7}}}]}]");
        Resolution resolution = timedResolve("allow from one namespace");
        assertThat(resolution.state().size()).isEqualTo(PODS_PER_NAMESPACE + 2); // + egress allow-all + host
        assertThat(resolution.state().entries()).containsKey(PolicyKey.anyProtocol(FIRST_IDENTITY + 7 * PODS_PER_NAMESPACE, INGRESS));
    }

    @Test
    void halfTheClusterOnOnePortStaysWithinTheDefaultBudget() throws Exception {
        apply("from-even", "podSelector: {}\ningress: [{from: [{namespaceSelector: {matchLabels: {tier: even}}}], ports: [{port: 8080}]}]");
        Resolution resolution = timedResolve("allow 5,000 identities on one port");
        assertThat(resolution.state().size()).isEqualTo(5_000 + 2);
        assertThat(budget().refusal("ns-0/pod-0", resolution, resolution.state().size(), 0)).isEmpty();
    }

    @Test
    void everyIdentityOnAPortRangeOverflowsTheBudgetAndTheReportNamesTheRule() throws Exception {
        apply("range", "podSelector: {}\ningress: [{from: [{namespaceSelector: {}}], ports: [{port: 1000, endPort: 1999}]}]");
        Resolution resolution = timedResolve("allow 10,000 identities on ports 1000-1999");
        // 1000-1999 is 7 aligned prefixes: 70,000 entries, more than the default 65,536.
        assertThat(resolution.state().size()).isEqualTo(10_000 * 7 + 2);
        RuleRef rule = new RuleRef(new PolicyRef("NetworkPolicy", "ns-0", "range"), INGRESS, 0);
        assertThat(resolution.keysByRule()).containsEntry(rule, 70_000);

        Optional<String> refusal = budget().refusal("ns-0/pod-0", resolution, resolution.state().size(), 0);
        assertThat(refusal).hasValue("endpoint ns-0/pod-0: its policy needs 70,002 map entries, more than the per-endpoint "
                + "budget of 65,536 (largest rules: NetworkPolicy ns-0/range ingress[0] 70,000); it keeps enforcing its previous policy");
    }

    @Test
    void resolvingAHundredLocalEndpointsAgainstTenThousandIdentities() throws Exception {
        apply("from-ns-7", "podSelector: {}\ningress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ns-7}}}]}]");
        apply("from-even", "podSelector: {matchLabels: {pod: pod-1}}\ningress: [{from: [{namespaceSelector: {matchLabels: {tier: even}}}], ports: [{port: 80}]}]");
        long start = System.nanoTime();
        int entries = 0;
        for (int pod = 0; pod < 100; pod++) {
            int identity = FIRST_IDENTITY + pod;
            entries += resolver.resolve(new EndpointSubject(identity, cluster.selectors().labels(identity), java.util.List.of()), cluster,
                    new RuleRefs()).state().size();
        }
        report("resolve 100 endpoints (" + entries + " entries)", start);
        assertThat(entries).isEqualTo(99 * (PODS_PER_NAMESPACE + 2) + (PODS_PER_NAMESPACE + 5_000 + 2));
    }

    private static PolicyBudget budget() {
        return new PolicyBudget(PolicyBudget.DEFAULT_PER_ENDPOINT, 1 << 20);
    }

    private void apply(String name, String spec) throws Exception {
        String doc = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " + name + ", namespace: ns-0}\nspec:\n" + spec.indent(2);
        long start = System.nanoTime();
        cluster.upsertPolicy(PolicyParser.parse(doc).getFirst().toRules());
        report("apply policy " + name, start);
    }

    private Resolution timedResolve(String what) {
        long start = System.nanoTime();
        Resolution resolution = resolver.resolve(new EndpointSubject(ENDPOINT, cluster.selectors().labels(ENDPOINT), java.util.List.of()),
                cluster, new RuleRefs());
        report("resolve " + what + " (" + resolution.state().size() + " entries)", start);
        return resolution;
    }

    private static void report(String what, long startNanos) {
        System.out.printf("PolicyScaleTest: %s: %.1f ms%n", what, (System.nanoTime() - startNanos) / 1e6);
    }
}
