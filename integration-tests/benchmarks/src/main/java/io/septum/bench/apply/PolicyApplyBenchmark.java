package io.septum.bench.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.septum.bench.ServiceApi;
import io.septum.bench.Samples;
import io.septum.bench.latency.BenchControlPlane;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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

    @SuppressWarnings("try") // the control plane is held for the run, never called: it is reached over HTTP and NATS
    public ObjectNode run() throws Exception {
        List<Double> create = new ArrayList<>();
        List<Double> unchanged = new ArrayList<>();
        List<Double> dryRun = new ArrayList<>();
        List<Double> update = new ArrayList<>();
        List<Double> oneByOneTotal = new ArrayList<>();
        List<Double> oneByOne = new ArrayList<>();
        long started = System.nanoTime();
        progress.println("starting identity-service :" + BenchControlPlane.IDENTITY_PORT + " and policy-service :" + BenchControlPlane.POLICY_PORT);
        try (BenchControlPlane plane = BenchControlPlane.start()) {
            String bundle = bundle(80);
            String changed = bundle(81);
            for (int round = 1; round <= options.rounds(); round++) {
                policies.send("DELETE", "/v1/policies", null);
                create.add(timed("/v1/policies?source=bench", bundle, "created"));
                unchanged.add(timed("/v1/policies?source=bench", bundle, "unchanged"));
                dryRun.add(timed("/v1/policies?source=bench&dryRun=true", changed, "updated"));
                update.add(timed("/v1/policies?source=bench", changed, "updated"));
                policies.send("DELETE", "/v1/policies", null);
                long start = System.nanoTime();
                for (int i = 0; i < options.policies(); i++) {
                    oneByOne.add(timed("/v1/policies", policy(i, 80), "created"));
                }
                oneByOneTotal.add(millis(System.nanoTime() - start));
                progress.printf(Locale.ROOT, "round %d/%d: bundle create %.0f ms, unchanged %.0f ms, dry run %.0f ms, update %.0f ms; "
                        + "one by one %.0f ms%n", round, options.rounds(), create.getLast(), unchanged.getLast(), dryRun.getLast(),
                        update.getLast(), oneByOneTotal.getLast());
            }
            policies.send("DELETE", "/v1/policies", null);
        }
        ObjectNode result = JSON.createObjectNode();
        result.put("benchmark", "policy-apply");
        result.put("policies", options.policies());
        result.put("rounds", options.rounds());
        result.put("bundle_create_ms", round(new Samples(create).median()));
        result.put("bundle_unchanged_ms", round(new Samples(unchanged).median()));
        result.put("bundle_dry_run_ms", round(new Samples(dryRun).median()));
        result.put("bundle_update_ms", round(new Samples(update).median()));
        result.put("bundle_create_policies_per_s", Math.round(options.policies() / (new Samples(create).median() / 1000)));
        result.put("one_by_one_total_ms", round(new Samples(oneByOneTotal).median()));
        Samples each = new Samples(oneByOne);
        result.put("one_by_one_apply_ms_p50", round(each.median()));
        result.put("one_by_one_apply_ms_p99", round(each.percentile(99)));
        result.put("elapsed_seconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
        return result;
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
