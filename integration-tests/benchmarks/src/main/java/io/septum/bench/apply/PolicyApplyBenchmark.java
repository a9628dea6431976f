package io.septum.bench.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.septum.bench.ProcessCpu;
import io.septum.bench.Repo;
import io.septum.bench.ServiceApi;
import io.septum.bench.Samples;
import io.septum.bench.latency.BenchControlPlane;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Applying many policies to policy-service (REST, PostgreSQL, NATS bucket) on the benchmarks' own control plane
 * ({@link BenchControlPlane}): N NetworkPolicies as one GitOps bundle — created, the same bundle again (unchanged, no
 * revision), a dry run of a changed bundle, the changed bundle applied — and the same N applied one request each.
 * Every timed request answers only after PostgreSQL committed and NATS acknowledged the bucket writes; each answer is
 * checked (every object's action, a new revision or none), so a figure never comes from a request that did less.
 */
public final class PolicyApplyBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAMESPACE = "bench";
    private static final String SERVICE = "policy-service";

    public record Options(int policies, int rounds) {
        public Options {
            if (policies < 1 || rounds < 1) {
                throw new IllegalArgumentException("need at least 1 policy and 1 round");
            }
        }

        public static Options full() {
            return new Options(1000, 5);
        }

        /** 100 policies, one round: checks that the harness works, its figures are not worth quoting. */
        public static Options quick() {
            return new Options(100, 1);
        }
    }

    private final Options options;
    private final PrintStream progress;
    private final ServiceApi policies = new ServiceApi(BenchControlPlane.policyUrl());

    public PolicyApplyBenchmark(Options options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    /** The timed phases, in the order a round runs them; the JSON names of their figures start with these. */
    private static final List<String> PHASES = List.of("bundle_create", "bundle_unchanged", "bundle_dry_run", "bundle_update", "one_by_one");

    public ObjectNode run() throws Exception {
        Map<String, List<Double>> millis = new LinkedHashMap<>();
        Map<String, List<Map<String, Double>>> cpu = new LinkedHashMap<>();
        PHASES.forEach(phase -> {
            millis.put(phase, new ArrayList<>());
            cpu.put(phase, new ArrayList<>());
        });
        List<Double> oneByOne = new ArrayList<>();
        long started = System.nanoTime();
        progress.println("starting identity-service :" + BenchControlPlane.IDENTITY_PORT + " and policy-service :" + BenchControlPlane.POLICY_PORT);
        try (BenchControlPlane plane = BenchControlPlane.start()) {
            ProcessHandle service = plane.process(SERVICE);
            String backends = "postgres: septum " + BenchControlPlane.database(SERVICE) + " ";
            Supplier<ProcessCpu> meter = () -> cpu(service, backends);
            String bundle = bundle(80);
            String changed = bundle(81);
            for (int round = 1; round <= options.rounds(); round++) {
                policies.send("DELETE", "/v1/policies", null);
                phase(meter, millis, cpu, "bundle_create", 1, () -> timed("/v1/policies?source=bench", bundle, "created"));
                phase(meter, millis, cpu, "bundle_unchanged", 1, () -> timed("/v1/policies?source=bench", bundle, "unchanged"));
                phase(meter, millis, cpu, "bundle_dry_run", 1, () -> timed("/v1/policies?source=bench&dryRun=true", changed, "updated"));
                phase(meter, millis, cpu, "bundle_update", 1, () -> timed("/v1/policies?source=bench", changed, "updated"));
                policies.send("DELETE", "/v1/policies", null);
                phase(meter, millis, cpu, "one_by_one", options.policies(), () -> {
                    long start = System.nanoTime();
                    for (int i = 0; i < options.policies(); i++) {
                        oneByOne.add(timed("/v1/policies", policy(i, 80), "created"));
                    }
                    return millis(System.nanoTime() - start);
                });
                progress.printf(Locale.ROOT, "round %d/%d: bundle create %.0f ms (%.0f ms CPU), unchanged %.0f ms (%.0f), dry run %.0f ms (%.0f), "
                                + "update %.0f ms (%.0f); one by one %.0f ms (%.2f ms CPU each); load average %.1f%n", round, options.rounds(),
                        last(millis, "bundle_create"), lastCpu(cpu, "bundle_create"), last(millis, "bundle_unchanged"), lastCpu(cpu, "bundle_unchanged"),
                        last(millis, "bundle_dry_run"), lastCpu(cpu, "bundle_dry_run"), last(millis, "bundle_update"), lastCpu(cpu, "bundle_update"),
                        last(millis, "one_by_one"), lastCpu(cpu, "one_by_one"), loadAverage());
            }
            policies.send("DELETE", "/v1/policies", null);
        }
        ObjectNode result = JSON.createObjectNode();
        result.put("benchmark", "policy-apply");
        result.put("policies", options.policies());
        result.put("rounds", options.rounds());
        for (String phase : PHASES) {
            String name = phase.equals("one_by_one") ? "one_by_one_total_ms" : phase + "_ms";
            result.put(name, round(new Samples(millis.get(phase)).median()));
        }
        result.put("bundle_create_policies_per_s", Math.round(options.policies() / (new Samples(millis.get("bundle_create")).median() / 1000)));
        Samples each = new Samples(oneByOne);
        result.put("one_by_one_apply_ms_p50", round(each.median()));
        result.put("one_by_one_apply_ms_p99", round(each.percentile(99)));
        ObjectNode cpuMs = result.putObject("cpu_ms");
        for (String phase : PHASES) {
            ObjectNode parties = cpuMs.putObject(phase.equals("one_by_one") ? "one_by_one_per_apply" : phase);
            for (String party : cpu.get(phase).getFirst().keySet()) {
                parties.put(party, Math.round(new Samples(cpu.get(phase).stream().map(c -> c.get(party)).toList()).median() * 100) / 100.0);
            }
        }
        result.put("load_average_end", round(loadAverage()));
        result.put("elapsed_seconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
        return result;
    }

    /** One timed step of the benchmark, returning its milliseconds. */
    @FunctionalInterface
    private interface Step {
        double run() throws IOException, InterruptedException;
    }

    /**
     * CPU time of an apply's parties: policy-service, the PostgreSQL backends serving its database (whose titles start
     * with {@code backends}), and the benchmark NATS when its pid file is there.
     */
    private static ProcessCpu cpu(ProcessHandle service, String backends) {
        Map<String, Long> nanos = new LinkedHashMap<>();
        nanos.put("service", ProcessCpu.of(service));
        nanos.put("postgres", ProcessCpu.postgresBackends(title -> title.startsWith(backends)));
        Repo.benchNats().ifPresent(nats -> nanos.put("nats", ProcessCpu.of(nats)));
        return new ProcessCpu(nanos);
    }

    /** Runs {@code step}, recording its milliseconds and the CPU milliseconds per operation each party spent on it. */
    private static void phase(Supplier<ProcessCpu> meter, Map<String, List<Double>> millis, Map<String, List<Map<String, Double>>> cpu, String phase,
                              int operations, Step step) throws IOException, InterruptedException {
        ProcessCpu before = meter.get();
        millis.get(phase).add(step.run());
        cpu.get(phase).add(meter.get().millisPerOperation(before, operations));
    }

    private static double last(Map<String, List<Double>> millis, String phase) {
        return millis.get(phase).getLast();
    }

    private static double lastCpu(Map<String, List<Map<String, Double>>> cpu, String phase) {
        return cpu.get(phase).getLast().get("total");
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private String bundle(int port) {
        List<String> documents = new ArrayList<>();
        for (int i = 0; i < options.policies(); i++) {
            documents.add(policy(i, port));
        }
        return String.join("---\n", documents);
    }

    /** Policy {@code i}: pods app{i} accept role client{i % 10} on {@code port}; only the port differs between bundles. */
    private static String policy(int i, int port) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: p%d, namespace: %s}
                spec:
                  podSelector: {matchLabels: {app: app%d}}
                  ingress:
                  - from: [{podSelector: {matchLabels: {role: client%d}}}]
                    ports: [{port: %d, protocol: TCP}]
                """.formatted(i, NAMESPACE, i, i % 10, port);
    }

    /**
     * Milliseconds of one apply; fails unless there is one result per document, each with action {@code expected},
     * and unless the answer is a dry run exactly when asked.
     */
    private double timed(String path, String body, String expected) throws IOException, InterruptedException {
        long start = System.nanoTime();
        JsonNode answer = policies.send("POST", path, body);
        double millis = millis(System.nanoTime() - start);
        int documents = body.split("(?m)^---$", -1).length;
        JsonNode results = answer.path("results");
        if (results.size() != documents) {
            throw new IllegalStateException("POST " + path + ": expected " + documents + " results, got " + results.size());
        }
        for (JsonNode result : results) {
            if (!expected.equals(result.path("action").asText())) {
                throw new IllegalStateException("POST " + path + ": expected every object " + expected + ", got " + result);
            }
        }
        if (answer.path("dryRun").asBoolean() != path.contains("dryRun=true")) {
            throw new IllegalStateException("POST " + path + ": answered dryRun " + answer.path("dryRun"));
        }
        return millis;
    }


    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
