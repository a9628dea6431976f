package io.septum.enforcer.controlplane.resolve;

import io.septum.enforcer.controlplane.cluster.ClusterChanges;
import io.septum.enforcer.controlplane.cluster.ClusterState;
import io.septum.enforcer.controlplane.mapstate.MapState;
import io.septum.enforcer.controlplane.mapstate.RuleRefs;
import io.septum.model.identity.K8sIdentityLabels;
import io.septum.model.kv.IpcacheRecord;
import io.septum.model.kv.NamedPort;
import io.septum.model.labels.Labels;
import io.septum.model.policy.PolicyParser;
import io.septum.model.policy.PolicyRef;
import io.septum.model.policy.PolicyValidationException;
import io.septum.model.policy.rules.PolicyRules;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The enforcer recomputes only endpoints whose {@link PolicyInputs} a change affects. This checks that skipping
 * is never wrong: random sequences of identity, ipcache and policy changes (the real parser, selector cache and
 * resolver), and after every change each endpoint the inputs call unaffected must resolve to exactly the
 * entries it already has. Also checks that skipping happens at all, or the test would prove nothing.
 */
class TargetedRecomputeTest {

    private static final List<String> NAMESPACES = List.of("x", "y", "z");
    private static final List<String> PODS = List.of("a", "b", "c");
    private static final List<String> POLICIES = List.of(
            "podSelector: {matchLabels: {pod: a}}\ningress: [{from: [{podSelector: {matchLabels: {pod: b}}}]}]",
            "podSelector: {}\ningress: [{from: [{namespaceSelector: {matchLabels: {team: blue}}}], ports: [{port: 80}, {port: 81, protocol: UDP}]}]",
            "podSelector: {matchExpressions: [{key: pod, operator: In, values: [b, c]}]}\npolicyTypes: [Egress]\n"
                    + "egress: [{to: [{podSelector: {matchLabels: {pod: a}}}], ports: [{port: serve-80}]}]",
            "podSelector: {matchLabels: {pod: c}}\npolicyTypes: [Egress]\negress: [{to: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.0.2/32]}}]}]",
            "podSelector: {matchLabels: {pod: b}}\npolicyTypes: [Egress]\negress: [{to: [{ipBlock: {cidr: 10.0.0.0/24}}, {ipBlock: {cidr: 0.0.0.0/0, except: [10.0.1.0/24]}}]}]",
            "podSelector: {}\ningress: [{ports: [{port: serve-81}]}]",
            "podSelector: {matchLabels: {pod: a}}\ningress: [{from: [{namespaceSelector: {}, podSelector: {matchLabels: {pod: c}}}], ports: [{port: 1000, endPort: 1100}]}]",
            "podSelector: {matchLabels: {team: blue}}\npolicyTypes: [Ingress, Egress]");

    /** Parsed once: policy name p0-p3 x spec. */
    private static final Map<String, PolicyRules> PARSED = new HashMap<>();

    private final ClusterState cluster = new ClusterState();
    private final EndpointPolicyResolver resolver = new EndpointPolicyResolver(true);
    private final RuleRefs ruleRefs = new RuleRefs();

    /** A local endpoint as the reconciler keeps it: its realized entries and what they were computed from. */
    private static final class Local {
        final int identity;
        final List<NamedPort> namedPorts;
        Labels labels = Labels.EMPTY;
        MapState realized;
        PolicyInputs inputs;

        Local(int identity, List<NamedPort> namedPorts) {
            this.identity = identity;
            this.namedPorts = namedPorts;
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void endpointsCalledUnaffectedResolveToWhatTheyHave(long seed) throws Exception {
        Random random = new Random(seed);
        List<Local> locals = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int identity = 300 + i;
            cluster.upsertIdentity(identity, randomLabels(random));
            locals.add(new Local(identity, i % 2 == 0 ? List.of(new NamedPort("serve-81", 8081, "TCP")) : List.of()));
        }
        int skipped = 0;
        int checked = 0;
        for (int step = 0; step < 400; step++) {
            randomChange(random);
            ClusterChanges changes = cluster.drainChanges();
            for (Local local : locals) {
                Labels labels = cluster.selectors().labels(local.identity);
                if (labels != null) {
                    local.labels = labels;
                }
                EndpointSubject subject = new EndpointSubject(local.identity, local.labels, local.namedPorts);
                Resolution fresh = resolver.resolve(subject, cluster, ruleRefs);
                if (local.inputs != null && !local.inputs.affectedBy(changes, subject)) {
                    assertThat(fresh.state().entries()).as("step %d, endpoint %d skipped after %s", step, local.identity, changes)
                            .isEqualTo(local.realized.entries());
                    skipped++;
                } else {
                    local.realized = fresh.state();
                    local.inputs = fresh.inputs();
                }
                checked++;
            }
        }
        assertThat(skipped).as("endpoints skipped out of " + checked).isGreaterThan(checked / 4);
    }

    private void randomChange(Random random) {
        switch (random.nextInt(7)) {
            case 0, 1 -> cluster.upsertIdentity(300 + random.nextInt(12), randomLabels(random));
            case 2 -> cluster.removeIdentity(306 + random.nextInt(6)); // peers only: locals keep their identity
            case 3 -> {
                int host = random.nextInt(6);
                List<NamedPort> ports = random.nextBoolean() ? List.of(new NamedPort("serve-80", 8000 + random.nextInt(3), "TCP")) : List.of();
                cluster.upsertIpcache(new IpcacheRecord("10.0." + (host % 2) + "." + host + "/32", 300 + random.nextInt(12), "node-0",
                        "x", "p" + host, ports));
            }
            case 4 -> cluster.removeIpcache("10.0." + (random.nextInt(6) % 2) + "." + random.nextInt(6) + "/32");
            case 5 -> cluster.upsertPolicy(policy("p" + random.nextInt(4), random.nextInt(POLICIES.size())));
            default -> cluster.removePolicy(new PolicyRef("NetworkPolicy", "x", "p" + random.nextInt(4)));
        }
    }

    private static PolicyRules policy(String name, int spec) {
        return PARSED.computeIfAbsent(name + "/" + spec, key -> {
            String doc = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " + name
                    + ", namespace: x}\nspec:\n" + POLICIES.get(spec).indent(2);
            try {
                return PolicyParser.parse(doc).getFirst().toRules().getFirst();
            } catch (PolicyValidationException e) {
                throw new IllegalArgumentException(doc, e);
            }
        });
    }

    private static Labels randomLabels(Random random) {
        Map<String, String> pod = new HashMap<>();
        pod.put("pod", PODS.get(random.nextInt(PODS.size())));
        Map<String, String> namespace = new HashMap<>();
        if (random.nextBoolean()) {
            namespace.put("team", "blue");
        }
        return K8sIdentityLabels.forPod(NAMESPACES.get(random.nextInt(NAMESPACES.size())), pod, namespace);
    }
}
