package io.septum.bench.latency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.septum.auth.token.LocalAuth;
import io.septum.bench.ExternalCommand;
import io.septum.bench.Repo;
import io.septum.bench.Samples;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Policy change to enforcement on every node, on the full real stack: the benchmark's own identity-service and
 * policy-service (PostgreSQL, NATS), a lab of N nodes each with its enforcer process, and one NetworkPolicy that
 * selects every pod of namespace x (one pod per node) and whose allowed port flips between 80 and 81 with every
 * change: each change rewrites policy map entries on every node.
 *
 * <p>Three ways to time a change, one after the other on the same lab:
 * <ul>
 *   <li>{@code cli}: wall time of {@code ./septum policy apply -f FILE} followed by {@code ./septum policy wait},
 *       what a user or a CI job sees, including the two CLI processes' start-up;</li>
 *   <li>{@code cli --wait}: {@code ./septum policy apply -f FILE --wait}, the same in one CLI process;</li>
 *   <li>{@code api}: the same change POSTed to policy-service, then its status polled every 5 ms until every node
 *       reports it enforced (the check {@code policy wait} makes): the system's own latency, without process
 *       start-up and without the CLI's 50 ms polling step.</li>
 * </ul>
 * The connectivity matrix is probed (untimed) before the timed changes, after the first change of each phase and
 * after each phase's last, proving that the changes did change what the datapath lets through.
 */
public final class PolicyLatencyBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAMESPACE = "x";
    private static final List<String> PODS = List.of("a", "b", "c");
    private static final int STATUS_POLL_MILLIS = 5;

    public record Options(int changes, int nodes) {
        public Options {
            if (changes < 2 || nodes < 1) {
                throw new IllegalArgumentException("need at least 2 changes and 1 node");
            }
        }

        public static Options full() {
            return new Options(100, 3);
        }

        /** A handful of changes: checks that the harness works, its figures are not worth quoting. */
        public static Options quick() {
            return new Options(10, 3);
        }
    }

    private final Options options;
    private final PrintStream progress;
    private final SeptumCli septum = new SeptumCli();
    private final HttpClient http = HttpClient.newHttpClient();
    /** The installation's admin token, as the CLI sends it. */
    private final String bearer = "Bearer " + LocalAuth.in(Repo.runDirectory()).cliToken();
    /** The port the policy allows now; every change flips it between 80 and 81. */
    private int allowedPort = 80;

    public PolicyLatencyBenchmark(Options options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    public ObjectNode run() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("the policy latency benchmark needs root (the lab makes network namespaces and loads BPF)");
        }
        requireNats();
        Path work = Repo.runDirectory().resolve("policy-latency");
        Files.createDirectories(work);
        Path labFile = work.resolve("lab.yaml");
        Files.writeString(labFile, labFile());
        long started = System.nanoTime();
        progress.println("starting identity-service :" + BenchControlPlane.IDENTITY_PORT + " and policy-service :" + BenchControlPlane.POLICY_PORT);
        BenchControlPlane controlPlane = BenchControlPlane.start();
        // Ctrl-C runs no finally block but shutdown hooks: take the lab down and stop the services either way.
        Thread cleanUp = new Thread(() -> {
            try {
                septum.run("lab", "down");
            } finally {
                controlPlane.close();
            }
        }, "sepbench-lab-down");
        Runtime.getRuntime().addShutdownHook(cleanUp);
        try {
            septum.run("lab", "down");
            septum.ok("policy", "delete", "--all");
            progress.println("building a " + options.nodes() + "-node lab '" + SeptumCli.LAB + "'");
            septum.ok("lab", "up", "-f", labFile.toString(), "--nodes", Integer.toString(options.nodes()));
            try {
                Path policyFile = work.resolve("policy.yaml");
                Files.writeString(policyFile, policy(allowedPort));
                septum.ok("policy", "apply", "-f", policyFile.toString());
                septum.ok("policy", "wait", "--timeout", "60s");
                verify(allowedPort);

                // Each phase flips the port `changes` times; a change's timings are in milliseconds.
                List<double[]> twoCommands = timeChanges("cli apply+wait", allowed -> {
                    Files.writeString(policyFile, policy(allowed));
                    long t0 = System.nanoTime();
                    septum.ok("policy", "apply", "-f", policyFile.toString());
                    long t1 = System.nanoTime();
                    septum.ok("policy", "wait", "--timeout", "60s");
                    long t2 = System.nanoTime();
                    return new double[] {millis(t2 - t0), millis(t1 - t0), millis(t2 - t1)};
                });
                List<double[]> oneCommand = timeChanges("cli apply --wait", allowed -> {
                    Files.writeString(policyFile, policy(allowed));
                    long t0 = System.nanoTime();
                    septum.ok("policy", "apply", "-f", policyFile.toString(), "--wait", "--timeout", "60s");
                    return new double[] {millis(System.nanoTime() - t0)};
                });
                List<double[]> api = timeChanges("api", allowed -> new double[] {timeThroughApi(policy(allowed))});

                ObjectNode out = JSON.createObjectNode();
                out.put("benchmark", "policy-latency");
                out.put("nodes", options.nodes());
                out.put("changes", options.changes());
                putPercentiles(out.putObject("cli_apply_then_wait_ms"), column(twoCommands, 0));
                putPercentiles(out.putObject("cli_apply_ms"), column(twoCommands, 1));
                putPercentiles(out.putObject("cli_wait_ms"), column(twoCommands, 2));
                putPercentiles(out.putObject("cli_apply_with_wait_flag_ms"), column(oneCommand, 0));
                putPercentiles(out.putObject("api_enforced_ms"), column(api, 0));
                out.put("verified_by_matrix", true);
                out.put("elapsed_seconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
                return out;
            } finally {
                septum.run("lab", "down");
            }
        } finally {
            Runtime.getRuntime().removeShutdownHook(cleanUp);
            controlPlane.close();
        }
    }

    /** Makes one policy change, allowing {@code port}, and returns its timings in milliseconds. */
    @FunctionalInterface
    private interface TimedChange {
        double[] make(int port) throws Exception;
    }

    /**
     * Flips the allowed port {@code changes} times with {@code change}; checks the matrix after the first change and
     * after the last (untimed), so every phase proves that its changes were enforced.
     */
    private List<double[]> timeChanges(String phase, TimedChange change) throws Exception {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < options.changes(); i++) {
            allowedPort = otherPort(allowedPort);
            out.add(change.make(allowedPort));
            if (i == 0) {
                verify(allowedPort);
            }
            if ((i + 1) % 10 == 0) {
                progress.printf(Locale.ROOT, "%s: change %d/%d took %.1f ms%n", phase, i + 1, options.changes(), out.getLast()[0]);
            }
        }
        verify(allowedPort);
        return out;
    }

    private static Samples column(List<double[]> rows, int index) {
        return new Samples(rows.stream().map(r -> r[index]).toList());
    }

    private static void requireNats() {
        BenchControlPlane.requireNats("make bench-policy-latency");
    }

    /** POSTs the policy and polls policy-service until every lab node reports it enforced; returns the milliseconds. */
    private double timeThroughApi(String policyYaml) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(BenchControlPlane.policyUrl().resolve("/v1/policies?namespace=" + NAMESPACE))
                .header("Authorization", bearer).header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(policyYaml)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (posted.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST /v1/policies answered " + posted.statusCode() + ": " + posted.body());
        }
        JsonNode targets = status().path("targets");
        long deadline = t0 + 60_000_000_000L;
        while (!enforcedEverywhere(status(), targets)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("a policy change was not enforced on every node within 60 s; status: " + status());
            }
            Thread.sleep(STATUS_POLL_MILLIS);
        }
        return millis(System.nanoTime() - t0);
    }

    /** True when each of the lab's nodes reports, fresh, every bucket at or past the targets (what policy wait checks). */
    boolean enforcedEverywhere(JsonNode status, JsonNode targets) {
        int enforced = 0;
        for (JsonNode node : status.path("nodes")) {
            if (!node.path("node").asText().matches("node-\\d+") || node.path("stale").asBoolean()) {
                continue;
            }
            boolean current = true;
            for (String bucket : List.of("policies", "identities", "ipcache")) {
                current &= node.path("applied").path(bucket).asLong() >= targets.path(bucket).asLong();
            }
            enforced += current ? 1 : 0;
        }
        return enforced >= options.nodes();
    }

    private JsonNode status() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(BenchControlPlane.policyUrl().resolve("/v1/status")).header("Authorization", bearer).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /v1/status answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Every pod reaches every other pod on the allowed port, and none on the other one, over TCP. */
    private void verify(int allowed) {
        for (int port : List.of(allowed, otherPort(allowed))) {
            ExternalCommand.Result result = septum.run("lab", "matrix", "--port", Integer.toString(port), "--protocol", "TCP", "--json");
            JsonNode matrix;
            try {
                matrix = JSON.readTree(result.output().strip().lines().reduce((a, b) -> b).orElse(""));
            } catch (IOException e) {
                throw new UncheckedIOException("lab matrix printed no JSON: " + result.output(), e);
            }
            for (JsonNode cell : matrix.path("results")) {
                if (cell.path("from").asText().equals(cell.path("to").asText())) {
                    continue; // a pod reaching itself never crosses its veth
                }
                boolean expected = port == allowed;
                if (cell.path("reachable").asBoolean() != expected) {
                    throw new IllegalStateException("with port " + allowed + " allowed, " + cell.path("from").asText() + " -> "
                            + cell.path("to").asText() + ":" + port + " is " + (expected ? "unreachable" : "reachable") + ": the change was not enforced");
                }
            }
        }
        progress.println("verified: the lab's matrix allows TCP " + allowed + " only");
    }

    private static int otherPort(int port) {
        return port == 80 ? 81 : 80;
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static void putPercentiles(ObjectNode node, Samples samples) {
        samples.putPercentiles(node);
    }

    /** One pod per node (a on node-0, b on node-1, ...), each serving TCP 80 and 81. */
    String labFile() {
        StringBuilder out = new StringBuilder("# Written by the policy latency benchmark.\nnodes: " + options.nodes()
                + "\nnamespaces:\n  - name: " + NAMESPACE + "\npods:\n");
        for (int i = 0; i < PODS.size(); i++) {
            out.append("  - name: ").append(NAMESPACE).append('/').append(PODS.get(i)).append('\n')
                    .append("    labels: {pod: ").append(PODS.get(i)).append("}\n")
                    .append("    node: ").append(i % options.nodes()).append('\n')
                    .append("    ports:\n      - {port: 80, protocol: TCP}\n      - {port: 81, protocol: TCP}\n");
        }
        return out.toString();
    }

    /** Every pod of x accepts TCP {@code port} from every pod of x, and nothing else. */
    static String policy(int port) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: bench-toggle
                  namespace: %s
                spec:
                  podSelector: {}
                  policyTypes: [Ingress]
                  ingress:
                    - from:
                        - podSelector: {}
                      ports:
                        - {protocol: TCP, port: %d}
                """.formatted(NAMESPACE, port);
    }
}
