package io.septum.bench.datapath;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.septum.bench.ExternalCommand;
import io.septum.bench.datapath.BenchTopology.Pod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs each {@link Workload} from the client pod to the server pod and returns its figure. The client side is
 * pinned to CPU 0 and the server side to CPU 1 when the machine has two: a veth hands each packet to the
 * receiving namespace on the sending CPU, so the sender's CPU carries the whole path through both veths and the
 * node, and that is the CPU the datapath's cost shows on.
 */
final class TrafficGenerator {

    static final String TOOL_SOURCE = "integration-tests/benchmarks/src/main/c/septum_bench_net.c";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_LIMIT = Duration.ofSeconds(10);

    private final Path tool;
    private final double seconds;
    private final SoftirqThreads softirq = SoftirqThreads.find();
    private final Integer clientCpu;
    private final Integer serverCpu;

    TrafficGenerator(Path tool, double seconds, boolean pinCpus) {
        this.tool = tool;
        this.seconds = seconds;
        boolean twoCpus = Runtime.getRuntime().availableProcessors() >= 2;
        this.clientCpu = pinCpus && twoCpus ? 0 : null;
        this.serverCpu = pinCpus && twoCpus ? 1 : null;
    }

    /** Compiles the traffic generator from the checkout's C source into {@code outputDirectory}; returns the binary. */
    static Path compileTool(Path repoRoot, Path outputDirectory) {
        Path source = repoRoot.resolve(TOOL_SOURCE);
        Path binary = outputDirectory.resolve("septum_bench_net");
        try {
            Files.createDirectories(outputDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("create " + outputDirectory, e);
        }
        ExternalCommand.run("gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", binary.toString(), source.toString());
        return binary;
    }

    Measurement measure(Workload workload) {
        double softirqBefore = softirq.cpuSeconds();
        Measurement m = switch (workload) {
            case UDP_PPS -> udpPackets(seconds);
            case TCP_GBPS -> tcpGigabits();
            case TCP_CRR -> tcpConnections();
        };
        return new Measurement(m.rate(), m.cpuSeconds() + softirq.cpuSeconds() - softirqBefore, m.amount());
    }

    /** A short unmeasured burst: resolves ARP through proxy ARP and warms caches before the first figure. */
    void warmUp() {
        udpPackets(Math.min(0.3, seconds));
    }

    /** Packets received; CPU of the sender only (the receiver only copies packets out of its socket). */
    private Measurement udpPackets(double duration) {
        String port = Integer.toString(Workload.UDP_PPS.port());
        try (ExternalCommand.Background receiver = ExternalCommand.start(
                ExternalCommand.inNetns(Pod.SERVER.netns(), serverCpu, tool.toString(), "udp-recv", port, Double.toString(duration + 5)),
                "ready", START_LIMIT)) {
            JsonNode sent = lastJsonLine(ExternalCommand.require(ExternalCommand.exec(
                    ExternalCommand.inNetns(Pod.CLIENT.netns(), clientCpu, tool.toString(), "udp-send", Pod.SERVER.address(), port,
                            Double.toString(duration), Integer.toString(Workload.UDP_PAYLOAD_BYTES)),
                    null, Map.of(), limit(duration))), "udp-send");
            JsonNode received = lastJsonLine(receiver.await(limit(duration + 5)), "udp-recv");
            if (received.path("received").asLong() < 2) {
                throw new IllegalStateException("UDP: the client sent " + sent.path("sent").asLong() + " packets and the server received "
                        + received.path("received").asLong() + ": the enforcement under test drops the allowed flow");
            }
            return new Measurement(received.path("pps").asDouble(), sent.path("cpu_seconds").asDouble(), received.path("received").asDouble());
        }
    }

    /** Gbit received; CPU of both ends (iperf3's own accounting): the ACKs cross the datapath on the server's CPU. */
    private Measurement tcpGigabits() {
        String port = Integer.toString(Workload.TCP_GBPS.port());
        try (ExternalCommand.Background server = ExternalCommand.start(
                ExternalCommand.inNetns(Pod.SERVER.netns(), serverCpu, serverLifetime("iperf3", "--server", "--one-off", "--forceflush", "--port", port)),
                "Server listening", START_LIMIT)) {
            JsonNode report = JSON.readTree(ExternalCommand.require(ExternalCommand.exec(
                    ExternalCommand.inNetns(Pod.CLIENT.netns(), clientCpu, "iperf3", "--client", Pod.SERVER.address(), "--port", port,
                            "--time", Long.toString(iperfSeconds()), "--json"),
                    null, Map.of(), limit(seconds))));
            server.await(START_LIMIT); // --one-off: it ends with its one client
            JsonNode received = report.path("end").path("sum_received");
            double bitsPerSecond = received.path("bits_per_second").asDouble();
            if (bitsPerSecond <= 0) {
                throw new IllegalStateException("TCP: iperf3 reported no throughput: " + report.path("error").asText(report.toString()));
            }
            JsonNode cpu = report.path("end").path("cpu_utilization_percent");
            double elapsed = received.path("seconds").asDouble();
            double cpuSeconds = (cpu.path("host_total").asDouble() + cpu.path("remote_total").asDouble()) / 100 * elapsed;
            return new Measurement(bitsPerSecond / 1e9, cpuSeconds, bitsPerSecond / 1e9 * elapsed);
        } catch (IOException e) {
            throw new UncheckedIOException("parse iperf3's JSON report", e);
        }
    }

    /** Connections completed; CPU of both ends: each connection crosses the datapath both ways. */
    private Measurement tcpConnections() {
        String port = Integer.toString(Workload.TCP_CRR.port());
        try (ExternalCommand.Background server = ExternalCommand.start(
                ExternalCommand.inNetns(Pod.SERVER.netns(), serverCpu, serverLifetime(tool.toString(), "crr-server", port)), "ready", START_LIMIT)) {
            JsonNode result = lastJsonLine(ExternalCommand.require(ExternalCommand.exec(
                    ExternalCommand.inNetns(Pod.CLIENT.netns(), clientCpu, tool.toString(), "crr-client", Pod.SERVER.address(), port,
                            Double.toString(seconds)),
                    null, Map.of(), limit(seconds))), "crr-client");
            if (result.path("connections").asLong() == 0) {
                throw new IllegalStateException("TCP connections: none succeeded (" + result.path("failed").asLong()
                        + " failed): the enforcement under test drops the allowed flow");
            }
            JsonNode served = lastJsonLine(server.terminate(START_LIMIT), "crr-server");
            return new Measurement(result.path("cps").asDouble(),
                    result.path("cpu_seconds").asDouble() + served.path("cpu_seconds").asDouble(), result.path("connections").asDouble());
        }
    }

    /**
     * {@code command} under coreutils' timeout: a server outlives an interrupted benchmark (no finally block runs on
     * Ctrl-C) by a minute at most. timeout passes our SIGTERM on to it, so it can still report when asked to stop.
     */
    private String[] serverLifetime(String... command) {
        List<String> out = new java.util.ArrayList<>(List.of("timeout", Long.toString(Math.round(seconds) + 60)));
        out.addAll(List.of(command));
        return out.toArray(String[]::new);
    }

    /** iperf3 takes whole seconds only (and reads 0 as "run forever"). */
    private long iperfSeconds() {
        return Math.max(1, Math.round(seconds));
    }

    private static Duration limit(double seconds) {
        return Duration.ofMillis((long) (seconds * 1000) + 30_000);
    }

    static JsonNode lastJsonLine(String output, String what) {
        List<String> lines = output.strip().lines().toList();
        String last = lines.isEmpty() ? "" : lines.getLast();
        try {
            return JSON.readTree(last);
        } catch (IOException e) {
            throw new IllegalStateException(what + " did not end with a JSON line: " + output.strip(), e);
        }
    }
}
