package io.septum.bench.compute;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.septum.bench.Samples;
import io.septum.enforcer.controlplane.cluster.ClusterState;
import io.septum.enforcer.controlplane.mapstate.RuleRefs;
import io.septum.enforcer.controlplane.resolve.EndpointPolicyResolver;
import io.septum.enforcer.controlplane.resolve.EndpointSubject;
import io.septum.enforcer.controlplane.resolve.Resolution;
import io.septum.model.identity.K8sIdentityLabels;
import io.septum.model.labels.Labels;
import io.septum.model.policy.PolicyObject;
import io.septum.model.policy.PolicyParser;
import io.septum.model.policy.rules.PolicyRules;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Policy computation with the enforcer's own control-plane code, no kernel: a cluster of {@code identities}
 * pod identities (100 per namespace) and CiliumNetworkPolicies holding {@code rules} rules in all (10 per policy,
 * a mix of namespace-local and cross-namespace endpoint selectors, entities, CIDR sets, port ranges and deny
 * rules), parsed by the real parser, fed into a {@link ClusterState} (selector cache) and resolved to map state for
 * every identity as if one node ran them all — the worst case of a node's full recomputation.
 * Each round starts from a fresh state; the first round is reported apart (cold JIT).
 */
public final class PolicyComputeBenchmark {

    public record Options(int identities, int rules, int rounds) {
        public static Options full() {
            return new Options(10_000, 1_000, 7);
        }

        public static Options quick() {
            return new Options(1_000, 100, 2);
        }
    }

    private static final int PER_NAMESPACE = 100;
    /**
     * CPU time of this process (the computing thread, GC and JIT): on a shared machine the wall clock also counts
     * other people's work.
     */
    private static final com.sun.management.OperatingSystemMXBean CPU =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final int RULES_PER_POLICY = 10;

    private final Options options;
    private final PrintStream progress;

    public PolicyComputeBenchmark(Options options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    /** What one round measured, in nanoseconds, and what it computed. */
    private record Round(long parseNanos, long ingestNanos, long resolveNanos, long cpuNanos, List<Double> perEndpointMicros,
                         long entries, int resolutionsComputed) {
        long totalNanos() {
            return parseNanos + ingestNanos + resolveNanos;
        }
    }

    public ObjectNode run() throws Exception {
        int namespaces = Math.max(1, options.identities() / PER_NAMESPACE);
        Map<Integer, Labels> identities = new LinkedHashMap<>();
        for (int i = 0; i < options.identities(); i++) {
            int ns = i % namespaces;
            int j = i / namespaces;
            identities.put(256 + i, K8sIdentityLabels.forPod("ns-" + ns,
                    Map.of("app", "app-" + (j % 20), "tier", "t" + (j % 5), "pod", "p" + i), Map.of("team", "team-" + (ns % 10))));
        }
        String documents = documents(namespaces);
        List<Round> rounds = new ArrayList<>();
        for (int r = 0; r < options.rounds(); r++) {
            Round round = round(identities, documents);
            rounds.add(round);
            progress.printf("round %d: parse %.0f ms, ingest %.0f ms, resolve %d endpoints %.0f ms (%d entries); CPU %.0f ms%n", r + 1,
                    round.parseNanos() / 1e6, round.ingestNanos() / 1e6, identities.size(), round.resolveNanos() / 1e6, round.entries(),
                    round.cpuNanos() / 1e6);
        }
        Round cold = rounds.getFirst();
        List<Round> warm = rounds.size() > 1 ? rounds.subList(1, rounds.size()) : rounds;
        Samples totals = new Samples(warm.stream().map(x -> x.totalNanos() / 1e6).toList());
        Samples perEndpoint = new Samples(warm.stream().flatMap(x -> x.perEndpointMicros().stream()).toList());
        ObjectNode out = new ObjectMapper().createObjectNode();
        out.put("benchmark", "policy-compute");
        out.put("identities", identities.size());
        out.put("rules", options.rules());
        out.put("policies", options.rules() / RULES_PER_POLICY);
        out.put("endpoints_resolved", identities.size());
        out.put("map_entries", cold.entries());
        out.put("resolutions_computed", cold.resolutionsComputed());
        out.put("rounds", rounds.size());
        out.put("cold_total_ms", round(cold.totalNanos() / 1e6));
        out.put("total_ms", round(totals.median()));
        out.put("total_cpu_ms", round(new Samples(warm.stream().map(x -> x.cpuNanos() / 1e6).toList()).median()));
        out.put("parse_ms", round(new Samples(warm.stream().map(x -> x.parseNanos() / 1e6).toList()).median()));
        out.put("ingest_ms", round(new Samples(warm.stream().map(x -> x.ingestNanos() / 1e6).toList()).median()));
        out.put("resolve_all_ms", round(new Samples(warm.stream().map(x -> x.resolveNanos() / 1e6).toList()).median()));
        out.put("resolve_endpoint_p50_us", round(perEndpoint.percentile(50)));
        out.put("resolve_endpoint_p99_us", round(perEndpoint.percentile(99)));
        out.put("goal_total_ms", 1000);
        return out;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private Round round(Map<Integer, Labels> identities, String documents) throws Exception {
        long cpu0 = CPU.getProcessCpuTime();
        long t0 = System.nanoTime();
        List<List<PolicyRules>> policies = PolicyParser.parse(documents).stream().map(PolicyObject::toRules).toList();
        long t1 = System.nanoTime();
        ClusterState cluster = new ClusterState();
        identities.forEach(cluster::upsertIdentity);
        policies.forEach(cluster::upsertPolicy);
        cluster.drainChanges();
        long t2 = System.nanoTime();
        EndpointPolicyResolver resolver = new EndpointPolicyResolver(true);
        RuleRefs ruleRefs = new RuleRefs();
        // As the reconciler's pass does: one batch over one cluster state, endpoints selected alike share a resolution.
        EndpointPolicyResolver.Batch batch = resolver.batch(cluster, ruleRefs);
        List<Double> perEndpoint = new ArrayList<>(identities.size());
        long entries = 0;
        for (var identity : identities.entrySet()) {
            long s = System.nanoTime();
            Resolution resolution = batch.resolve(new EndpointSubject(identity.getKey(), identity.getValue(), List.of()));
            perEndpoint.add((System.nanoTime() - s) / 1e3);
            entries += resolution.state().size();
        }
        long t3 = System.nanoTime();
        return new Round(t1 - t0, t2 - t1, t3 - t2, CPU.getProcessCpuTime() - cpu0, perEndpoint, entries, batch.computedCount());
    }

    /** The policies: each selects one app in its namespace and has 10 rules of the kinds users write. */
    private String documents(int namespaces) {
        StringBuilder out = new StringBuilder();
        int policies = options.rules() / RULES_PER_POLICY;
        for (int p = 0; p < policies; p++) {
            int ns = p % namespaces;
            out.append("""
                    apiVersion: cilium.io/v2
                    kind: CiliumNetworkPolicy
                    metadata: {name: p-%d, namespace: ns-%d}
                    spec:
                      endpointSelector: {matchLabels: {app: app-%d}}
                      ingress:
                        - fromEndpoints: [{matchLabels: {tier: t%d}}]
                          toPorts: [{ports: [{port: "8080", protocol: TCP}]}]
                        - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: ns-%d, app: app-%d}}]
                          toPorts: [{ports: [{port: "9000", endPort: 9099, protocol: TCP}]}]
                        - fromEndpoints: [{matchExpressions: [{key: k8s:io.cilium.k8s.namespace.labels.team, operator: In, values: [team-%d]}, {key: k8s:io.kubernetes.pod.namespace, operator: Exists}]}]
                          toPorts: [{ports: [{port: "443", protocol: ANY}]}]
                        - fromEntities: [world]
                          toPorts: [{ports: [{port: "80", protocol: TCP}]}]
                        - fromCIDRSet: [{cidr: 10.%d.0.0/16, except: [10.%d.1.0/24]}]
                        - fromEndpoints: [{matchLabels: {app: app-%d}}]
                      ingressDeny:
                        - fromEndpoints: [{matchLabels: {tier: t%d}}]
                          toPorts: [{ports: [{port: "22", protocol: TCP}]}]
                      egress:
                        - toEndpoints: [{matchLabels: {app: app-%d}}]
                          toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
                        - toEntities: [cluster]
                          toPorts: [{ports: [{port: "53", protocol: UDP}]}]
                      egressDeny:
                        - toCIDR: [192.0.2.%d/32]
                    ---
                    """.formatted(p, ns, p % 20, p % 5, (ns + 1) % namespaces, (p + 3) % 20, p % 10, p % 250, p % 250,
                    (p + 1) % 20, (p + 2) % 5, (p + 5) % 20, p % 250));
        }
        return out.toString();
    }
}
