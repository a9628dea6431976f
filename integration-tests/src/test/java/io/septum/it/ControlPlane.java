package io.septum.it;

import io.septum.auth.token.LocalAuth;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real control plane for end-to-end tests: identity-service and policy-service started from their
 * built jars on ports of their own, against the test NATS (4223) and databases of their own
 * ({@code *_it}, emptied by Flyway at start), so a test run never disturbs a running demo.
 */
public final class ControlPlane implements AutoCloseable {

    public static final int IDENTITY_PORT = 18081;
    public static final int POLICY_PORT = 18082;
    public static final int FLOWS_PORT = 18084;
    public static final String NATS_URL = "nats://127.0.0.1:4223";

    private final List<Process> processes = new ArrayList<>();

    public static ControlPlane start() throws Exception {
        ControlPlane plane = new ControlPlane();
        // The services trust this key; the CLI the tests run (SEPTUM_RUN is the same folder) signs with it.
        LocalAuth.in(Repo.itRunDirectory()).ensure();
        try {
            plane.startService("identity-service", IDENTITY_PORT, "septum_identity_it");
            plane.startService("policy-service", POLICY_PORT, "septum_policy_it");
            plane.startService("flow-service", FLOWS_PORT, null);
            plane.awaitHealthy(IDENTITY_PORT, "identity-service");
            plane.awaitHealthy(POLICY_PORT, "policy-service");
            plane.awaitHealthy(FLOWS_PORT, "flow-service");
        } catch (Exception e) {
            plane.close();
            throw e;
        }
        return plane;
    }

    /** The Authorization header value of the tests' admin token (the CLI's, from the same run folder). */
    public static String bearer() {
        return "Bearer " + LocalAuth.in(Repo.itRunDirectory()).cliToken();
    }

    public static String identityUrl() {
        return "http://127.0.0.1:" + IDENTITY_PORT;
    }

    public static String policyUrl() {
        return "http://127.0.0.1:" + POLICY_PORT;
    }

    public static String flowsUrl() {
        return "http://127.0.0.1:" + FLOWS_PORT;
    }

    /** {@code database} null: the service has none (flow-service). */
    private void startService(String name, int port, String database) throws IOException {
        Path built = Repo.root().resolve("services").resolve(name).resolve("target/quarkus-app");
        if (!Files.exists(built.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException(name + " is not built: " + built.resolve("quarkus-run.jar"));
        }
        // Run a copy: Quarkus loads classes lazily from its jars, and a build replacing them during a long
        // test run would leave the service hanging on a class it can no longer read.
        Path app = Repo.itRunDirectory().resolve("apps").resolve(name);
        copyTree(built, app);
        Path jar = app.resolve("quarkus-run.jar");
        Path log = Repo.itRunDirectory().resolve("logs").resolve(name + ".log");
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(List.of(Repo.java(), "-XX:+UseSerialGC", "-Xmx384m",
                "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1", "-Dseptum.nats.url=" + NATS_URL,
                "-Dseptum.nats.credentials-dir=" + Repo.natsCredentials(),
                "-Dmp.jwt.verify.publickey.location=" + LocalAuth.in(Repo.itRunDirectory()).publicKey()));
        if (database != null) {
            command.addAll(List.of("-Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:5432/" + database,
                    "-Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/" + database,
                    "-Dquarkus.flyway.clean-disabled=false", "-Dquarkus.flyway.clean-at-start=true"));
        }
        command.addAll(List.of("-jar", jar.toString()));
        processes.add(new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (Files.exists(to)) {
            try (Stream<Path> old = Files.walk(to)) {
                for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private void awaitHealthy(int port, String name) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a control-plane service exited (code " + p.exitValue() + "); see " + Repo.itRunDirectory().resolve("logs"));
                }
            }
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " did not become healthy within 90 s");
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
