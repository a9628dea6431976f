package io.septum.bench.flows;

import io.septum.bench.Repo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * CPU time consumed by each stage of the flow pipeline, so that its rate can be read per CPU-second as the datapath
 * benchmark does (on a shared machine, the wall-clock rate mostly measures the other tenants): this JVM's ring buffer
 * reader and exporter threads (the enforcer's code), the NATS server and the flow-service process. The generator (the
 * kernel running the program) is not part of the pipeline and not counted.
 */
final class PipelineCpu {

    /** The enforcer's threads, by the names FlowEventReader and FlowExporter give them. */
    private static final Map<String, String> THREADS = Map.of("reader", "septum-flow-events", "exporter", "septum-flow-export");

    private final ProcessHandle flowService;
    private final Optional<ProcessHandle> nats;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    PipelineCpu(ProcessHandle flowService) {
        this.flowService = flowService;
        this.nats = Repo.benchNats();
    }

    /** Seconds of CPU so far per stage: reader, exporter, nats (if its pid file is there), flow_service. */
    Map<String, Double> seconds() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String stage : new String[] {"reader", "exporter"}) {
            out.put(stage, threadSeconds(THREADS.get(stage)));
        }
        nats.ifPresent(p -> out.put("nats", processSeconds(p)));
        out.put("flow_service", processSeconds(flowService));
        return out;
    }

    private double threadSeconds(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return threads.getThreadCpuTime(t.threadId()) / 1e9;
            }
        }
        throw new IllegalStateException("no thread " + name + " in this JVM: is the flow pipeline running?");
    }

    private static double processSeconds(ProcessHandle process) {
        return process.info().totalCpuDuration().orElseThrow(
                () -> new IllegalStateException("the CPU time of process " + process.pid() + " is not readable")).toNanos() / 1e9;
    }

    /** after − before, per stage, and their total under "total". */
    static Map<String, Double> difference(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> out = new LinkedHashMap<>();
        double total = 0;
        for (Map.Entry<String, Double> e : after.entrySet()) {
            double d = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
            out.put(e.getKey(), d);
            total += d;
        }
        out.put("total", total);
        return out;
    }
}
