package io.septum.identity.replicas;

import io.septum.auth.testing.LocalNats;
import io.septum.auth.testing.TestTokens;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One replica of identity-service: the packaged application (target/quarkus-app, built before the integration-test
 * phase) in a process of its own, on a free port, against the tests' PostgreSQL database and the given NATS.
 */
@SuppressWarnings("try") // close() waits for the process to end; an interrupted wait is the test's to see
final class ServiceProcess implements AutoCloseable {

    /** The replicas' database: identity-it.database (a worktree's own, so its migrations reach no one else's). */
    static final String DATABASE = System.getProperty("identity-it.database", "septum_identity_test");
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String name;
    private final int port;
    private final List<String> properties;
    private final Path log;
    private Process process;

    ServiceProcess(String name, Path directory, String natsUrl, List<String> properties) throws IOException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException("identity-service is not packaged (" + JAR.toAbsolutePath() + "): run the integration-test phase");
        }
        try (ServerSocket free = new ServerSocket(0)) {
            this.port = free.getLocalPort();
        }
        this.name = name;
        this.log = directory.resolve(name + ".log");
        this.properties = new ArrayList<>(List.of(
                "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:5432/" + DATABASE,
                "-Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/" + DATABASE,
                "-Dseptum.nats.url=" + natsUrl, "-Dseptum.nats.credentials-dir=" + LocalNats.credentialsDirectory(),
                "-Dmp.jwt.verify.publickey.location=" + TestTokens.KEY.resolveSibling("signing-key.pub.pem").toAbsolutePath()));
        this.properties.addAll(properties);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    String name() {
        return name;
    }

    /** Starts the replica (extra system properties for this start only, e.g. a clean database) and waits until ready. */
    void start(String... once) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of("-XX:+UseSerialGC", "-Xmx384m"));
        command.addAll(properties);
        command.addAll(List.of(once));
        command.addAll(List.of("-jar", JAR.toString()));
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        awaitReady();
    }

    /** Waits until /q/health/ready answers 200: PostgreSQL reachable, NATS connected, buckets rebuilt. */
    void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited (" + process.exitValue() + "); see " + log);
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(url().resolve("/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " not ready within 90 s; see " + log);
    }

    /** Stops the replica as an orchestrator would (SIGTERM, then SIGKILL after 15 s). */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
