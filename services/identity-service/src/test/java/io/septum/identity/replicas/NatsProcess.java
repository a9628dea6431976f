package io.septum.identity.replicas;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A NATS server (JetStream, file storage) of the test's own, on a free port of loopback, so that it can be stopped,
 * wiped and started again without touching the NATS anyone else uses. Needs nats-server on the PATH (infra/setup.sh).
 */
@SuppressWarnings("try") // close() waits for the process to end; an interrupted wait is the test's to see
final class NatsProcess implements AutoCloseable {

    private final int port;
    private final Path store;
    private final Path log;
    private Process process;

    NatsProcess(Path directory) throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            this.port = free.getLocalPort();
        }
        this.store = directory.resolve("nats-store");
        this.log = directory.resolve("nats.log");
        Files.createDirectories(store);
    }

    String url() {
        return "nats://127.0.0.1:" + port;
    }

    void start() throws IOException, InterruptedException {
        process = new ProcessBuilder("nats-server", "-a", "127.0.0.1", "-p", Integer.toString(port), "-js", "-sd", store.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nats-server on port " + port + " exited (" + process.exitValue() + "); see " + log);
            }
            try {
                new Socket("127.0.0.1", port).close();
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("nats-server did not listen on port " + port + " within 15 s; see " + log);
    }

    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** Stops the server and throws its JetStream data away: it comes back empty. */
    void stopAndWipe() throws InterruptedException, IOException {
        stop();
        try (Stream<Path> files = Files.walk(store)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(store)) {
                    Files.delete(p);
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
