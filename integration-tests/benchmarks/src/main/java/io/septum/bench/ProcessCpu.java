package io.septum.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CPU time (user + system) of the parties a benchmark's work runs on — named processes and PostgreSQL backends — read
 * before and after it: what one operation costs each of them, which on a shared machine says more than the clock.
 */
public record ProcessCpu(Map<String, Long> nanos) {

    public ProcessCpu {
        nanos = Collections.unmodifiableMap(new LinkedHashMap<>(nanos)); // in the parties' order, as the JSON shows them
    }

    /** CPU time of a process that must live through the run; fails naming it when it is gone. */
    public static long of(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElseThrow(
                () -> new IllegalStateException("read the CPU time of process " + process.pid() + ": it is gone"));
    }

    /**
     * CPU time of the PostgreSQL backends whose title ({@code postgres: USER DATABASE …}, which PostgreSQL writes over
     * its command line, so read from /proc: ProcessHandle.Info names the executable) {@code title} accepts. The pools
     * keep their connections open, so the counters cover a run; a backend that ends in between takes its share with it.
     */
    public static long postgresBackends(Predicate<String> title) {
        return ProcessHandle.allProcesses()
                .filter(p -> {
                    String command = commandLine(p);
                    return command.startsWith("postgres:") && title.test(command);
                })
                .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
                .sum();
    }

    /** Milliseconds of CPU per operation each party spent from {@code before} to this reading, and their "total". */
    public Map<String, Double> millisPerOperation(ProcessCpu before, int operations) {
        Map<String, Double> out = new LinkedHashMap<>();
        double total = 0;
        for (Map.Entry<String, Long> party : nanos.entrySet()) {
            double ms = (party.getValue() - before.nanos.getOrDefault(party.getKey(), 0L)) / 1e6 / operations;
            out.put(party.getKey(), ms);
            total += ms;
        }
        out.put("total", total);
        return out;
    }

    /** The command line as /proc has it; empty for a process gone meanwhile. */
    private static String commandLine(ProcessHandle process) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).replace('\0', ' ');
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }
}
