package io.septum.bench.propagation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.septum.auth.token.LocalAuth;
import io.septum.bench.ProcessCpu;
import io.septum.bench.Repo;
import io.septum.bench.ServiceApi;
import io.septum.bench.Samples;
import io.septum.bench.latency.BenchControlPlane;
import io.septum.enforcer.agent.endpoints.LocalEndpoint;
import io.septum.enforcer.datapath.Direction;
import io.septum.enforcer.datapath.PolicyMapKey;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Policy change to realized on every node with many enforcers: the benchmark's own identity-service and
 * policy-service (PostgreSQL, NATS "bench"), and N {@link SimulatedEnforcer}s in this process — the enforcer's
 * own watch, reconciler and status classes, each with its NATS connection, node name, enforcer token and pods
 * (registered through identity-service), with in-memory maps instead of the kernel's. One NetworkPolicy selects
 * every pod of the namespace and allows ingress from all of them on a port that flips between 80 and 81 with each
 * change, so every change rewrites policy entries of every endpoint on every node.
 *
 * <p>A change is timed from the start of its {@code POST /v1/policies} (and, apart, from its answer) until
 * {@code GET /v1/revisions/{n}} — policy-service's own count of the nodes whose status report covers the
 * revision — says all N realized it, polled every 5 ms. After the first and the last change every node's maps are
 * checked (untimed): each endpoint has ingress entries for the allowed port and none for the other.
 */
public final class PolicyPropagationBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAMESPACE = "prop";
    private static final int STATUS_POLL_MILLIS = 5;
    private static final Duration REALIZED_WITHIN = Duration.ofSeconds(60);
    /** Held here: a logger nobody references may be collected, and its level with it. */
    private static final List<Logger> QUIET = List.of(Logger.getLogger("io.septum"), Logger.getLogger("io.nats"));

    public record Options(int nodes, int podsPerNode, int labelSets, int changes) {
        public Options {
            if (nodes < 1 || nodes > 250 || podsPerNode < 1 || podsPerNode > 250 || labelSets < 1 || changes < 2) {
                throw new IllegalArgumentException("need 1-250 nodes, 1-250 pods per node, 1 label set and 2 changes");
            }
        }

        public static Options full() {
            return new Options(100, 10, 20, 100);
        }

        /** 10 nodes, 10 changes: checks that the harness works, its figures are not worth quoting. */
        public static Options quick() {
            return new Options(10, 5, 5, 10);
        }
    }

    private final Options options;
    private final PrintStream progress;
    private final ServiceApi policies = new ServiceApi(BenchControlPlane.policyUrl());
    private int allowedPort = 80;

    public PolicyPropagationBenchmark(Options options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    public ObjectNode run() throws Exception {
        BenchControlPlane.requireNats("make bench-policy-propagation");
        // A hundred reconcilers log every bucket sync and pass at INFO: keep standard error for the progress lines.
        QUIET.forEach(logger -> logger.setLevel(Level.WARNING));
        long started = System.nanoTime();
        progress.println("starting identity-service :" + BenchControlPlane.IDENTITY_PORT + " and policy-service :" + BenchControlPlane.POLICY_PORT);
        List<SimulatedEnforcer> enforcers = new ArrayList<>();
        try (BenchControlPlane plane = BenchControlPlane.start(); StatusArrivals statuses = StatusArrivals.start(BenchControlPlane.NATS_URL)) {
            try {
                policies.send("DELETE", "/v1/policies", null);
                policies.send("POST", "/v1/policies", policy(allowedPort));
                // Pods of a namespace identity-service does not know are refused: create it, as ./septum lab up does.
                new ServiceApi(BenchControlPlane.identityUrl()).sendJson("PUT", "/v1/namespaces/" + NAMESPACE, Map.of("labels", Map.of()));
                startEnforcers(enforcers);
                long first = policies.send("POST", "/v1/policies", policy(allowedPort = otherPort(allowedPort))).path("revision").asLong();
                awaitRealized(first, System.nanoTime());
                verify(enforcers);

                List<Double> fromRequest = new ArrayList<>();
                List<Double> fromResponse = new ArrayList<>();
                List<Stages> stages = new ArrayList<>();
                ProcessCpu cpuBefore = cpu(plane);
                double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
                for (int i = 0; i < options.changes(); i++) {
                    allowedPort = otherPort(allowedPort);
                    long t0 = System.nanoTime();
                    long revision = policies.send("POST", "/v1/policies", policy(allowedPort)).path("revision").asLong();
                    long t1 = System.nanoTime();
                    long t2 = awaitRealized(revision, t0);
                    fromRequest.add(millis(t2 - t0));
                    fromResponse.add(millis(t2 - t1));
                    stages.add(Stages.of(enforcers, statuses, t0, t1, t2));
                    if (i == 0) {
                        verify(enforcers);
                    }
                    if ((i + 1) % 10 == 0) {
                        progress.printf(Locale.ROOT, "change %d/%d: realized on all %d nodes %.1f ms after the request%n",
                                i + 1, options.changes(), options.nodes(), fromRequest.getLast());
                    }
                }
                ProcessCpu cpuAfter = cpu(plane);
                verify(enforcers);
                policies.send("DELETE", "/v1/policies", null);

                ObjectNode out = JSON.createObjectNode();
                out.put("benchmark", "policy-propagation");
                out.put("nodes", options.nodes());
                out.put("pods_per_node", options.podsPerNode());
                out.put("label_sets", options.labelSets());
                out.put("changes", options.changes());
                new Samples(fromRequest).putPercentiles(out.putObject("apply_to_realized_all_ms"));
                new Samples(fromResponse).putPercentiles(out.putObject("response_to_realized_all_ms"));
                Stages.put(stages, out);
                ObjectNode cpuPerChange = out.putObject("cpu_ms_per_change");
                cpuAfter.millisPerOperation(cpuBefore, options.changes()).forEach((party, ms) -> cpuPerChange.put(party, Math.round(ms * 10) / 10.0));
                out.put("load_average_start", loadBefore);
                out.put("load_average_end", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                out.put("verified_in_maps", true);
                out.put("elapsed_seconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
                return out;
            } finally {
                // Before the services stop: their lease renewals would only warn that identity-service is gone.
                enforcers.forEach(SimulatedEnforcer::close);
            }
        }
    }

    /** Starts the simulated enforcers and registers their pods, a few at a time (identity-service serves them all). */
    private void startEnforcers(List<SimulatedEnforcer> enforcers) throws Exception {
        progress.println("starting " + options.nodes() + " simulated enforcers with " + options.podsPerNode() + " pods each");
        LocalAuth auth = LocalAuth.in(Repo.runDirectory());
        URI identityUrl = BenchControlPlane.identityUrl();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<SimulatedEnforcer>> started = new ArrayList<>();
            for (int n = 0; n < options.nodes(); n++) {
                int index = n;
                started.add(pool.submit(() -> {
                    String node = "sim-%03d".formatted(index);
                    SimulatedEnforcer enforcer = SimulatedEnforcer.start(node, BenchControlPlane.NATS_URL, identityUrl, auth.mintNodeToken(node));
                    synchronized (enforcers) {
                        enforcers.add(enforcer);
                    }
                    for (int p = 0; p < options.podsPerNode(); p++) {
                        enforcer.addPod(new LocalEndpoint(NAMESPACE, "p-%03d-%03d".formatted(index, p), "lxc%d-%d".formatted(index, p),
                                "10.77.%d.%d".formatted(index, p + 2), Map.of("app", "a" + ((index * options.podsPerNode() + p) % options.labelSets())),
                                List.of()));
                    }
                    return enforcer;
                }));
            }
            for (Future<SimulatedEnforcer> f : started) {
                f.get();
            }
        }
        for (SimulatedEnforcer enforcer : enforcers) {
            var snapshot = enforcer.snapshot();
            if (snapshot.endpointsReady() != options.podsPerNode()) {
                throw new IllegalStateException("node " + enforcer.node() + ": " + snapshot.endpointsReady() + " of " + options.podsPerNode()
                        + " endpoints ready; problems: " + snapshot.problems());
            }
        }
    }

    /**
     * Where one change's time went, each from the request's start (ms): the apply's answer, the first and the last node
     * receiving the bucket change, the last node's maps holding it (its reconciler's pass done), and policy-service
     * counting every node's status report (what the benchmark times), with the last report's passage through NATS between
     * these two. The bucket change is the one every node received
     * last once all had realized the change: changes are made one at a time.
     */
    private record Stages(double answered, double firstReceived, double allReceived, double allEnforced, double allStatusesInNats,
                          double allReported) {

        /** How long the benchmark's own status subscriber may lag behind policy-service's count (see StatusArrivals). */
        private static final Duration ARRIVAL_SEEN_WITHIN = Duration.ofSeconds(5);

        static Stages of(List<SimulatedEnforcer> enforcers, StatusArrivals statuses, long start, long answered, long reported)
                throws InterruptedException {
            long revision = enforcers.stream().mapToLong(SimulatedEnforcer::lastPolicyRevision).max().orElse(0);
            long first = Long.MAX_VALUE;
            long lastReceived = Long.MIN_VALUE;
            long lastEnforced = Long.MIN_VALUE;
            long lastStatus = Long.MIN_VALUE;
            for (SimulatedEnforcer enforcer : enforcers) {
                long received = enforcer.receivedAt(revision).orElseThrow(() -> new IllegalStateException(
                        "node " + enforcer.node() + " realized policies revision " + revision + " without receiving it"));
                first = Math.min(first, received);
                lastReceived = Math.max(lastReceived, received);
                lastEnforced = Math.max(lastEnforced, enforcer.enforcedAt(revision).orElseThrow(() -> new IllegalStateException(
                        "node " + enforcer.node() + " reported policies revision " + revision + " without a pass realizing it")));
                lastStatus = Math.max(lastStatus, statuses.arrivedAt(enforcer.node(), revision, ARRIVAL_SEEN_WITHIN).orElseThrow(() -> new IllegalStateException(
                        "node " + enforcer.node() + " was counted for policies revision " + revision + " without a report through NATS")));
            }
            return new Stages(millis(answered - start), millis(first - start), millis(lastReceived - start), millis(lastEnforced - start),
                    millis(lastStatus - start), millis(reported - start));
        }

        /** Each stage's percentiles over the changes, and the stages of the slowest change (its p99 broken down). */
        static void put(List<Stages> changes, ObjectNode out) {
            ObjectNode stages = out.putObject("stages_from_request_ms");
            new Samples(changes.stream().map(Stages::answered).toList()).putPercentiles(stages.putObject("apply_answered"));
            new Samples(changes.stream().map(Stages::firstReceived).toList()).putPercentiles(stages.putObject("first_node_received"));
            new Samples(changes.stream().map(Stages::allReceived).toList()).putPercentiles(stages.putObject("all_nodes_received"));
            new Samples(changes.stream().map(Stages::allEnforced).toList()).putPercentiles(stages.putObject("all_nodes_enforced"));
            new Samples(changes.stream().map(Stages::allStatusesInNats).toList()).putPercentiles(stages.putObject("all_statuses_through_nats"));
            new Samples(changes.stream().map(Stages::allReported).toList()).putPercentiles(stages.putObject("all_nodes_reported"));
            Stages slowest = changes.stream().max(java.util.Comparator.comparingDouble(Stages::allReported)).orElseThrow();
            ObjectNode worst = out.putObject("slowest_change_ms");
            worst.put("apply_answered", Math.round(slowest.answered() * 10) / 10.0);
            worst.put("first_node_received", Math.round(slowest.firstReceived() * 10) / 10.0);
            worst.put("all_nodes_received", Math.round(slowest.allReceived() * 10) / 10.0);
            worst.put("all_nodes_enforced", Math.round(slowest.allEnforced() * 10) / 10.0);
            worst.put("all_statuses_through_nats", Math.round(slowest.allStatusesInNats() * 10) / 10.0);
            worst.put("all_nodes_reported", Math.round(slowest.allReported() * 10) / 10.0);
        }
    }

    /** Polls policy-service until every simulated node realized {@code revision}; returns that moment (System.nanoTime). */
    private long awaitRealized(long revision, long since) throws IOException, InterruptedException {
        while (true) {
            JsonNode info = policies.send("GET", "/v1/revisions/" + revision, null).path("revision");
            if (info.path("realizedNodes").asInt() >= options.nodes()) {
                return System.nanoTime();
            }
            if (System.nanoTime() - since > REALIZED_WITHIN.toNanos()) {
                throw new IllegalStateException("revision " + revision + " was realized by " + info.path("realizedNodes") + " of "
                        + options.nodes() + " nodes after " + REALIZED_WITHIN.toSeconds() + " s");
            }
            Thread.sleep(STATUS_POLL_MILLIS);
        }
    }

    /** Every node's every endpoint has ingress entries for the allowed port and none for the other one. */
    private void verify(List<SimulatedEnforcer> enforcers) {
        for (SimulatedEnforcer enforcer : enforcers) {
            List<PolicyMapKey> ingress = enforcer.policyKeys().stream().filter(k -> k.direction() == Direction.INGRESS.code()).toList();
            long endpointsAllowed = ingress.stream().filter(k -> k.port() == allowedPort).map(PolicyMapKey::endpointId).distinct().count();
            boolean otherPort = ingress.stream().anyMatch(k -> k.port() == otherPort(allowedPort));
            if (endpointsAllowed != options.podsPerNode() || otherPort) {
                throw new IllegalStateException("node " + enforcer.node() + " with port " + allowedPort + " allowed: " + endpointsAllowed + " of "
                        + options.podsPerNode() + " endpoints have entries for it" + (otherPort ? ", and some still allow port " + otherPort(allowedPort) : ""));
            }
        }
        progress.println("verified: on all " + enforcers.size() + " nodes every endpoint's ingress entries allow port " + allowedPort + " only");
    }

    /** Every pod of the namespace accepts TCP {@code port} from every pod of the namespace, and nothing else. */
    private static String policy(int port) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: propagation-toggle, namespace: %s}
                spec:
                  podSelector: {}
                  policyTypes: [Ingress]
                  ingress:
                  - from: [{podSelector: {}}]
                    ports: [{port: %d, protocol: TCP}]
                """.formatted(NAMESPACE, port);
    }


    private static int otherPort(int port) {
        return port == 80 ? 81 : 80;
    }

    /**
     * CPU time of what a propagation runs on: this process (the simulated enforcers and the harness's own requests, a
     * small part), both services, the benchmark NATS and the PostgreSQL backends serving the benchmark databases.
     */
    private static ProcessCpu cpu(BenchControlPlane plane) {
        Map<String, Long> nanos = new LinkedHashMap<>();
        nanos.put("benchmark_process", ProcessCpu.of(ProcessHandle.current()));
        for (String service : List.of("identity-service", "policy-service")) {
            nanos.put(service.replace('-', '_'), ProcessCpu.of(plane.process(service)));
        }
        nanos.put("nats", Repo.benchNats().map(ProcessCpu::of).orElse(0L));
        nanos.put("postgres", ProcessCpu.postgresBackends(title -> title.contains("_sepbench")));
        return new ProcessCpu(nanos);
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }
}
