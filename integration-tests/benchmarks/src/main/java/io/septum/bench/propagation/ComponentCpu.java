package io.septum.bench.propagation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.septum.bench.latency.BenchControlPlane;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CPU time (user + system) of the processes a propagation runs on, read before and after the timed changes: what one
 * change costs each of them, which on a shared machine says more than the clock. This process holds the simulated
 * enforcers (and the harness's own requests, a small part); PostgreSQL is its backends serving the benchmark databases
 * (a backend that ends in between is not counted).
 */
record ComponentCpu(Map<String, Long> nanos) {

    private static final int NATS_PORT = 4224;

    static ComponentCpu read(BenchControlPlane plane) {
        Map<String, Long> nanos = new LinkedHashMap<>();
        nanos.put("benchmark_process", cpu(ProcessHandle.current()));
        for (String service : List.of("identity-service", "policy-service")) {
            nanos.put(service.replace('-', '_'), cpu(plane.process(service)));
        }
        nanos.put("nats", sum(command -> command.contains("nats-server") && command.contains("-p " + NATS_PORT)));
        nanos.put("postgres", sum(command -> command.startsWith("postgres:") && command.contains("_sepbench")));
        return new ComponentCpu(nanos);
    }

    /** Each component's CPU from {@code before} to this reading, in ms per change, and their total. */
    void putPerChange(ComponentCpu before, int changes, ObjectNode out) {
        double total = 0;
        for (var entry : nanos.entrySet()) {
            double ms = (entry.getValue() - before.nanos().getOrDefault(entry.getKey(), 0L)) / 1e6 / changes;
            out.put(entry.getKey(), Math.round(ms * 10) / 10.0);
            total += ms;
        }
        out.put("total", Math.round(total * 10) / 10.0);
    }

    private static long cpu(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    private static long sum(Predicate<String> command) {
        return ProcessHandle.allProcesses().filter(p -> command.test(commandLine(p))).mapToLong(ComponentCpu::cpu).sum();
    }

    /**
     * The process's command line as /proc has it: PostgreSQL backends rewrite theirs to "postgres: user database …",
     * which ProcessHandle.Info does not show (it names the executable instead). Empty for a process gone meanwhile.
     */
    private static String commandLine(ProcessHandle process) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).replace('\0', ' ');
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }
}
