package io.septum.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A command the benchmarks run (iproute2, iptables, the traffic generators, {@code ./septum}): its output is
 * collected, a failure names the command, its exit code and what it printed.
 */
public final class ExternalCommand {

    /** How a finished command ended. */
    public record Result(List<String> command, int exitCode, String output) {
        public String commandLine() {
            return String.join(" ", command);
        }
    }

    private ExternalCommand() {
    }

    /** Runs {@code command} to completion and fails unless it exits 0. */
    public static String run(String... command) {
        return require(exec(List.of(command), null, Map.of(), Duration.ofSeconds(60)));
    }

    /** Runs {@code command} with {@code stdin} as its standard input and fails unless it exits 0. */
    public static String runWithInput(String stdin, String... command) {
        return require(exec(List.of(command), stdin, Map.of(), Duration.ofSeconds(60)));
    }

    /** Like {@link #run}, but a failure is only returned, for best-effort clean-up. */
    public static boolean tryRun(String... command) {
        return exec(List.of(command), null, Map.of(), Duration.ofSeconds(60)).exitCode() == 0;
    }

    public static String require(Result result) {
        if (result.exitCode() != 0) {
            throw new IllegalStateException(result.commandLine() + " exited " + result.exitCode() + ": " + result.output().strip());
        }
        return result.output();
    }

    /** Runs {@code command} (standard error merged into the output) and waits at most {@code limit}. */
    public static Result exec(List<String> command, String stdin, Map<String, String> environment, Duration limit) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("start " + String.join(" ", command), e);
        }
        CompletableFuture<String> output = readAsync(process.getInputStream());
        try (var in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the command did not read its input; its exit code tells why
        }
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + limit.toSeconds() + " s");
            }
            return new Result(List.copyOf(command), process.exitValue(), output.join());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** A command left running in the background (a server); {@link #close()} ends it. */
    public static final class Background implements AutoCloseable {
        private final Process process;
        private final List<String> command;
        private final CompletableFuture<String> output;

        private Background(Process process, List<String> command, CompletableFuture<String> output) {
            this.process = process;
            this.command = command;
            this.output = output;
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /** Waits for it to end by itself and returns its output; fails unless it exits 0. */
        public String await(Duration limit) {
            awaitExit(limit, "finish");
            return require(new Result(command, process.exitValue(), output.join()));
        }

        /** Asks it to stop (SIGTERM), waits, and returns what it printed until then, whatever its exit code. */
        public String terminate(Duration limit) {
            // Through the handle: Process.destroy() would also close our end of its output before we read the rest.
            process.toHandle().destroy();
            awaitExit(limit, "stop after SIGTERM");
            return output.join();
        }

        /** Waits for the exit; kills it and fails after {@code limit} (the message says it did not {@code what}). */
        private void awaitExit(Duration limit, String what) {
            try {
                if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not " + what + " within " + limit.toSeconds() + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IllegalStateException("interrupted while waiting for " + String.join(" ", command) + " to " + what, e);
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(5, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    process.destroyForcibly();
                }
            }
        }
    }

    /**
     * Starts {@code command} in the background and, if {@code readyLine} is not null, waits until it prints
     * a line starting with it (a server listening), at most {@code limit}.
     */
    public static Background start(List<String> command, String readyLine, Duration limit) {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("start " + String.join(" ", command), e);
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // it reads no input anyway
        }
        if (readyLine == null) {
            return new Background(process, List.copyOf(command), readAsync(process.getInputStream()));
        }
        StringBuilder seen = new StringBuilder();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = process.getInputStream()) {
                StringBuilder line = new StringBuilder();
                int c;
                while ((c = in.read()) >= 0) {
                    seen.append((char) c);
                    if (c == '\n') {
                        if (line.toString().strip().startsWith(readyLine)) {
                            ready.complete(null);
                        }
                        line.setLength(0);
                    } else {
                        line.append((char) c);
                    }
                }
                ready.complete(null);
                return seen.toString();
            } catch (IOException e) {
                ready.complete(null);
                return seen + "\n(output unreadable: " + e.getMessage() + ")";
            }
        }, Thread::startVirtualThread);
        Background background = new Background(process, List.copyOf(command), output);
        try {
            ready.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            background.close();
            throw new IllegalStateException(String.join(" ", command) + " did not print '" + readyLine + "' within " + limit.toSeconds() + " s", e);
        }
        if (!process.isAlive()) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue() + " while starting: " + output.join().strip());
        }
        return background;
    }

    private static CompletableFuture<String> readAsync(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output unreadable: " + e.getMessage() + ")";
            }
        }, Thread::startVirtualThread);
    }

    /** {@code ip netns exec NETNS} prefixed to {@code command}, optionally pinned to {@code cpu} with taskset. */
    public static List<String> inNetns(String netns, Integer cpu, String... command) {
        List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        if (cpu != null) {
            out.addAll(List.of("taskset", "-c", cpu.toString()));
        }
        out.addAll(List.of(command));
        return out;
    }
}
