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

    private final List<Process> services = new ArrayList<>();
    private final Map<String, ProcessHandle> handles = new LinkedHashMap<>();

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
            Process process = new ProcessBuilder(Repo.java(), "-XX:+UseSerialGC", "-Xmx384m",
                    "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                    "-Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:5432/" + database,
                    "-Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/" + database,
                    "-Dquarkus.flyway.clean-disabled=false", "-Dquarkus.flyway.clean-at-start=true",
                    "-Dseptum.nats.url=" + NATS_URL, "-Dseptum.nats.credentials-dir=" + Repo.natsCredentials(),
                    "-Dmp.jwt.verify.publickey.location=" + LocalAuth.in(Repo.runDirectory()).publicKey(),
                    "-jar", jar.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            services.add(process);
            handles.put(service, process.toHandle());
        } catch (IOException e) {
            throw new UncheckedIOException("start " + service + " on port " + port, e);
        }
    }

    /** The service processes by name (identity-service, policy-service): what CPU-per-operation figures read. */
    public Map<String, ProcessHandle> processes() {
        return Map.copyOf(handles);
    }

    private void awaitReady(int port) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build();
        long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            for (Process p : services) {
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
        services.forEach(Process::destroy);
        for (Process p : services) {
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
