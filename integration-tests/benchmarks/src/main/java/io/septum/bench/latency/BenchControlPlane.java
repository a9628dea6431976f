package io.septum.bench.latency;

import io.septum.auth.token.LocalAuth;
import io.septum.bench.Repo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real control plane, of the benchmarks' own: identity-service on 127.0.0.1:28081 and policy-service on
 * :28082, from their built jars, against the benchmark NATS (:4224, {@code infra/nats.sh start bench}) and the
 * {@code septum_*_sepbench} databases (emptied by Flyway at start), so a benchmark never disturbs a demo or a test run.
 */
public final class BenchControlPlane implements AutoCloseable {

    public static final int IDENTITY_PORT = 28081;
    public static final int POLICY_PORT = 28082;
    public static final String NATS_URL = "nats://127.0.0.1:4224";
    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(90);

    /** identity-service and policy-service with their databases. */
    private static final Map<String, String> DATABASES = Map.of(
            "identity-service", "septum_identity_sepbench",
            "policy-service", "septum_policy_sepbench");

    /** The started services by name, in start order. */
    private final Map<String, Process> services = new LinkedHashMap<>();

    private BenchControlPlane() {
    }

    public static BenchControlPlane start() throws InterruptedException {
        BenchControlPlane plane = new BenchControlPlane();
        // The services trust this installation's key; the CLI the benchmark runs (same SEPTUM_RUN) signs with it.
        LocalAuth.in(Repo.runDirectory()).ensure();
        try {
            plane.launch("identity-service", IDENTITY_PORT);
            plane.launch("policy-service", POLICY_PORT);
            plane.awaitReady(IDENTITY_PORT);
            plane.awaitReady(POLICY_PORT);
            return plane;
        } catch (RuntimeException | InterruptedException e) {
            plane.close();
            throw e;
        }
    }

    /** Fails unless the benchmark NATS listens; {@code command} is what starts it. */
    public static void requireNats(String command) {
        URI nats = URI.create(NATS_URL);
        try {
            new Socket(nats.getHost(), nats.getPort()).close();
        } catch (IOException e) {
            throw new IllegalStateException("the benchmark NATS is not running on " + nats.getHost() + ":" + nats.getPort()
                    + "; start it with 'infra/nats.sh start bench' (" + command + " does)");
        }
    }

    /** The process of {@code service} (identity-service or policy-service), e.g. to read its CPU time. */
    public ProcessHandle process(String service) {
        Process process = services.get(service);
        if (process == null) {
            throw new IllegalArgumentException("no benchmark control-plane service " + service + " (started: " + services.keySet() + ")");
        }
        return process.toHandle();
    }

    /** The database {@code service} runs on. */
    public static String database(String service) {
        return DATABASES.get(service);
    }

    public static URI identityUrl() {
        return URI.create("http://127.0.0.1:" + IDENTITY_PORT);
    }

    public static URI policyUrl() {
        return URI.create("http://127.0.0.1:" + POLICY_PORT);
    }

    private void launch(String service, int port) {
        Path jar = Repo.root().resolve("services").resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(service + " is not built (" + jar + " is missing); run 'make build'");
        }
        String database = DATABASES.get(service);
        Path log = Repo.runDirectory().resolve("logs").resolve(service + ".log");
        try {
            Files.createDirectories(log.getParent());
            List<String> command = new ArrayList<>(List.of(Repo.java(), "-XX:+UseSerialGC", "-Xmx384m"));
            command.addAll(extraOptions(service));
            command.addAll(List.of("-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                    "-Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:5432/" + database,
                    "-Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/" + database,
                    "-Dquarkus.flyway.clean-disabled=false", "-Dquarkus.flyway.clean-at-start=true",
                    "-Dseptum.nats.url=" + NATS_URL, "-Dseptum.nats.credentials-dir=" + Repo.natsCredentials(),
                    "-Dmp.jwt.verify.publickey.location=" + LocalAuth.in(Repo.runDirectory()).publicKey(),
                    "-jar", jar.toString()));
            services.put(service, new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start());
        } catch (IOException e) {
            throw new UncheckedIOException("start " + service + " on port " + port, e);
        }
    }

    /**
     * JVM options for one service from the environment, e.g. {@code SEPTUM_BENCH_POLICY_SERVICE_OPTS="-XX:StartFlightRecording=…"}
     * to profile it during a benchmark (split at spaces; none by default).
     */
    private static List<String> extraOptions(String service) {
        String variable = "SEPTUM_BENCH_" + service.toUpperCase(Locale.ROOT).replace('-', '_') + "_OPTS";
        String value = System.getenv(variable);
        return value == null || value.isBlank() ? List.of() : List.of(value.strip().split("\\s+"));
    }

    private void awaitReady(int port) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build();
        long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            for (Process p : services.values()) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a benchmark control-plane service exited with " + p.exitValue() + "; see "
                            + Repo.runDirectory().resolve("logs"));
                }
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the service on port " + port + " was not ready within " + HEALTHY_WITHIN.toSeconds() + " s");
    }

    @Override
    public void close() {
        services.values().forEach(Process::destroy);
        for (Process p : services.values()) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
