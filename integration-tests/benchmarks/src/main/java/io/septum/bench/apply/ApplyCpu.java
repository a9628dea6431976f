package io.septum.bench.apply;

import io.septum.bench.Repo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * CPU seconds spent by the parties of an apply: policy-service's process, the PostgreSQL backends serving its
 * database, and the benchmark NATS server. On this shared machine the wall-clock time of a phase mostly measures the
 * other tenants; the CPU it cost does much less, and it is what the apply costs wherever it runs.
 *
 * <p>The backends are found by their process title ({@code postgres: USER DATABASE …}), as {@code ps} shows it: the
 * pool keeps its connections open, so their CPU counters cover the whole run. A backend that closed between two
 * samples loses its share; the service's pool does not close idle connections within a run.
 */
final class ApplyCpu {

    private static final Path PROC = Path.of("/proc");

    /** CPU seconds of each party at one moment: service, postgres, nats (when its pid file is there). */
    record Sample(Map<String, Double> seconds) {
        /** Milliseconds of CPU per operation each party spent between {@code before} and this sample, and their total. */
        Map<String, Double> millisPerOperation(Sample before, int operations) {
            Map<String, Double> out = new LinkedHashMap<>();
            double total = 0;
            for (Map.Entry<String, Double> party : seconds.entrySet()) {
                double spent = party.getValue() - before.seconds.getOrDefault(party.getKey(), 0.0);
                total += spent;
                out.put(party.getKey(), spent * 1000 / operations);
            }
            out.put("total", total * 1000 / operations);
            return out;
        }
    }

    private final ProcessHandle service;
    private final String database;
    private final Optional<ProcessHandle> nats;

    ApplyCpu(ProcessHandle service, String database) {
        this.service = service;
        this.database = database;
        this.nats = Repo.benchNats();
    }

    Sample sample() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        seconds.put("service", ticks(service.pid()) / TICKS_PER_SECOND);
        seconds.put("postgres", backendTicks() / TICKS_PER_SECOND);
        nats.ifPresent(p -> seconds.put("nats", ticks(p.pid()) / TICKS_PER_SECOND));
        return new Sample(seconds);
    }

    /** USER_HZ: /proc/PID/stat counts CPU time in 1/100 s on Linux. */
    private static final double TICKS_PER_SECOND = 100.0;

    /** utime + stime of a process; fails when it is gone (the service must live through the run). */
    private static long ticks(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException e) {
            throw new IllegalStateException("read the CPU time of process " + pid + ": " + e.getMessage(), e);
        }
    }

    /** The CPU ticks of every PostgreSQL backend connected to the benchmark's database. */
    private long backendTicks() {
        String title = "postgres: septum " + database + " ";
        long sum = 0;
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path process : processes) {
                try {
                    String cmdline = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmdline.startsWith(title)) {
                        sum += ticks(Long.parseLong(process.getFileName().toString()));
                    }
                } catch (IOException | IllegalStateException e) {
                    // gone between the listing and the read: a backend that ended takes its CPU time with it
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("list the processes in /proc: " + e.getMessage(), e);
        }
        return sum;
    }
}
