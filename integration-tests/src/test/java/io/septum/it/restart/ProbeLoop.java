package io.septum.it.restart;

import io.septum.cli.lab.Prober;
import io.septum.it.LabPod;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Probes one pair of pods over and over from a thread of its own (each probe a new connection, from inside
 * the source pod's namespace), filing every outcome under the phase it started in. {@link #problems} lists
 * each phase in which an outcome contradicted the expectation, or in which no probe completed at all.
 */
final class ProbeLoop implements AutoCloseable {

    private final String name;
    private final boolean expectReachable;
    private final Phases phases;
    private final Map<String, int[]> outcomes = new LinkedHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    /**
     * @param timeoutMillis how long one probe waits; for an allowed pair this bounds how long a deny window
     *                      may last unnoticed (UDP sends one datagram, so any drop fails the probe)
     */
    ProbeLoop(LabPod from, LabPod to, int port, String protocol, boolean expectReachable, int timeoutMillis, Phases phases) {
        this.name = from.key() + " -> " + to.key() + " " + protocol + "/" + port + (expectReachable ? " (allowed)" : " (denied)");
        this.expectReachable = expectReachable;
        this.phases = phases;
        this.thread = Thread.ofPlatform().name("probe " + name).start(() -> {
            try {
                while (running) {
                    String phase = phases.current();
                    boolean reachable = Prober.probe(from.netns(), to.ip(), port, protocol, timeoutMillis);
                    synchronized (outcomes) {
                        outcomes.computeIfAbsent(phase, p -> new int[2])[reachable ? 0 : 1]++;
                    }
                    Thread.sleep(20);
                }
            } catch (Throwable t) {
                failure = t;
            }
        });
    }

    /** What went against the expectation, by phase; empty when every phase saw probes and all came out as expected. */
    List<String> problems() {
        List<String> out = new ArrayList<>();
        if (failure != null) {
            out.add(name + ": the probe loop failed: " + failure);
        }
        synchronized (outcomes) {
            for (String phase : phases.all()) {
                int[] counts = outcomes.getOrDefault(phase, new int[2]);
                int wrong = expectReachable ? counts[1] : counts[0];
                if (wrong > 0) {
                    out.add(name + " while '" + phase + "': " + wrong + " of " + (counts[0] + counts[1]) + " probes "
                            + (expectReachable ? "FAILED" : "GOT THROUGH"));
                } else if (counts[0] + counts[1] == 0) {
                    out.add(name + " while '" + phase + "': no probe completed");
                }
            }
        }
        return out;
    }

    String summary() {
        synchronized (outcomes) {
            StringBuilder out = new StringBuilder(name + ":");
            outcomes.forEach((phase, c) -> out.append(" [").append(phase).append(": ").append(c[0]).append(" reached, ")
                    .append(c[1]).append(" not]"));
            return out.toString();
        }
    }

    /** Stops the loop after the probe in flight. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
