package io.septum.bench.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import io.septum.auth.token.LocalAuth;
import io.septum.bench.Repo;
import io.septum.enforcer.agent.flows.FlowExporter;
import io.septum.enforcer.datapath.Datapath;
import io.septum.enforcer.datapath.DatapathConfig;
import io.septum.enforcer.datapath.Direction;
import io.septum.enforcer.datapath.libbpf.MonotonicClock;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.IdentityRecord;
import io.septum.model.kv.IpcacheRecord;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Flow events per second from the BPF ring buffer to flow-service, end to end on one node: the real datapath
 * program (run in the kernel by BPF_PROG_TEST_RUN, {@code repeat} times per call, on a TCP SYN from an interface
 * that is no endpoint: each run a drop and one flow event), the real ring buffer (the enforcer's default size), the
 * enforcer's reader and {@link FlowExporter} (binary batches on core NATS), and flow-service started from its jar,
 * naming every flow from the ipcache and identities buckets. The generator runs flat out: what the pipeline
 * cannot take is lost in the ring buffer and counted there. Figures: generated, delivered (counted by
 * flow-service) and lost events, and their rates over the generation time.
 */
public final class FlowsBenchmark {

    public record Options(double seconds, int repeat, int ringBytes) {
        public static Options full() {
            return new Options(10, 1000, 1 << 20);
        }

        public static Options quick() {
            return new Options(2, 1000, 1 << 20);
        }
    }

    static final String NATS_URL = "nats://127.0.0.1:4224";
    static final int FLOWS_PORT = 28084;
    static final String NODE = "bench-node";
    static final Path PINS = DatapathConfig.DEFAULT_PIN_ROOT.resolve("sepbench-flows");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LOOPBACK = 1;
    private static final String SOURCE = "10.251.0.2";
    private static final String DESTINATION = "10.251.0.3";

    private final Options options;
    private final PrintStream log;

    public FlowsBenchmark(Options options, PrintStream log) {
        this.options = options;
        this.log = log;
    }

    @SuppressWarnings("try") // jnats' Connection.close() declares InterruptedException, which this thread never gets
    public ObjectNode run() throws Exception {
        Datapath.removePins(PINS);
        Process service = null;
        Datapath datapath = null;
        FlowExporter exporter = null;
        try (Connection nats = Nats.connect(Repo.natsAdmin(NATS_URL))) {
            writeCluster(nats);
            service = startFlowService();
            awaitReady();
            datapath = Datapath.open(new DatapathConfig(PINS, options.ringBytes(), 1024));
            Datapath dp = datapath;
            exporter = new FlowExporter(nats, NODE, 1000, 50, 256, MonotonicClock.nanos(), dp::eventLosses).start();
            datapath.openEvents(exporter);
            byte[] frame = tcpSyn(SOURCE, DESTINATION);
            datapath.runProgramRepeatedly(Direction.EGRESS, frame, LOOPBACK, 1); // one event through the whole pipeline first
            long warmDeadline = System.nanoTime() + 30_000_000_000L;
            while (deliveredToService() < 1 && System.nanoTime() < warmDeadline) {
                Thread.sleep(50);
            }

            log.printf("generating flow events for %.0f s (BPF_PROG_TEST_RUN, %d runs per call)%n", options.seconds(), options.repeat());
            long lossesBefore = datapath.eventLosses();
            PipelineCpu cpu = new PipelineCpu(service.toHandle());
            Map<String, Double> cpuBefore = cpu.seconds();
            long deliveredBefore = deliveredToService();
            long generated = 0;
            long start = System.nanoTime();
            long end = start + (long) (options.seconds() * 1e9);
            while (System.nanoTime() < end) {
                datapath.runProgramRepeatedly(Direction.EGRESS, frame, LOOPBACK, options.repeat());
                generated += options.repeat();
            }
            double elapsed = (System.nanoTime() - start) / 1e9;

            // Let the pipeline drain: until flow-service's count stops moving for 2 s.
            long delivered = deliveredToService();
            long stableSince = System.nanoTime();
            while (System.nanoTime() - stableSince < 2_000_000_000L) {
                Thread.sleep(200);
                long now = deliveredToService();
                if (now != delivered) {
                    delivered = now;
                    stableSince = System.nanoTime();
                }
            }
            double drained = (System.nanoTime() - start) / 1e9 - 2;
            Map<String, Double> cpuUsed = PipelineCpu.difference(cpuBefore, cpu.seconds());
            delivered -= deliveredBefore;
            long ringLosses = datapath.eventLosses() - lossesBefore;
            FlowExporter.Stats stats = exporter.stats();
            JsonNode status = get("/v1/status");

            ObjectNode result = JSON.createObjectNode();
            result.put("benchmark", "flows");
            result.put("seconds", round(elapsed));
            result.put("generated_events", generated);
            result.put("generated_per_s", Math.round(generated / elapsed));
            result.put("delivered_events", delivered);
            result.put("delivered_per_s", Math.round(delivered / elapsed));
            result.put("delivered_per_s_until_drained", Math.round(delivered / drained));
            result.put("ring_buffer_losses", ringLosses);
            result.put("exporter_drops", stats.queueDrops() + stats.publishFailures());
            result.put("slow_consumer_dropped_messages", status.path("slowConsumerDrops").asLong());
            result.put("unaccounted_events", generated - delivered - ringLosses - (stats.queueDrops() + stats.publishFailures()));
            result.put("batches", stats.batches());
            result.put("bytes_per_event", stats.events() == 0 ? 0 : round((double) stats.bytes() / stats.events()));
            result.put("ring_buffer_bytes", options.ringBytes());
            double cpuTotal = cpuUsed.get("total");
            result.put("delivered_per_cpu_s", cpuTotal <= 0 ? 0 : Math.round(delivered / cpuTotal));
            ObjectNode perEvent = result.putObject("cpu_ns_per_event");
            for (Map.Entry<String, Double> stage : cpuUsed.entrySet()) {
                perEvent.put(stage.getKey(), delivered == 0 ? 0 : Math.round(stage.getValue() * 1e9 / delivered));
            }
            log.printf("pipeline CPU seconds by stage: %s%n", cpuUsed);
            log.printf("generated %,d, delivered %,d (%,d/s), ring losses %,d, exporter drops %,d, slow-consumer drops %d messages%n",
                    generated, delivered, Math.round(delivered / elapsed), ringLosses, stats.queueDrops() + stats.publishFailures(),
                    status.path("slowConsumerDrops").asLong());
            return result;
        } finally {
            if (datapath != null) {
                datapath.close();
            }
            if (exporter != null) {
                exporter.close();
            }
            if (service != null) {
                service.destroy();
                if (!service.waitFor(15, TimeUnit.SECONDS)) {
                    service.destroyForcibly();
                }
            }
            Datapath.removePins(PINS);
        }
    }

    /** Two pods, their identities and addresses, as identity-service writes them: what flow-service names flows with. */
    private static void writeCluster(Connection nats) throws Exception {
        for (String bucket : List.of(Buckets.IDENTITIES, Buckets.IPCACHE, Buckets.POLICIES)) {
            if (!nats.keyValueManagement().getBucketNames().contains(bucket)) {
                nats.keyValueManagement().create(KeyValueConfiguration.builder().name(bucket).maxHistoryPerKey(1)
                        .storageType(StorageType.File).build());
            }
        }
        KeyValue identities = nats.keyValue(Buckets.IDENTITIES);
        KeyValue ipcache = nats.keyValue(Buckets.IPCACHE);
        identities.put(IdentityRecord.key(900001), JSON.writeValueAsBytes(new IdentityRecord(900001,
                List.of("k8s:app=client", "k8s:io.kubernetes.pod.namespace=bench"))));
        identities.put(IdentityRecord.key(900002), JSON.writeValueAsBytes(new IdentityRecord(900002,
                List.of("k8s:app=server", "k8s:io.kubernetes.pod.namespace=bench"))));
        ipcache.put(IpcacheRecord.key(SOURCE + "/32"), JSON.writeValueAsBytes(new IpcacheRecord(SOURCE + "/32", 900001, NODE,
                "bench", "client", List.of())));
        ipcache.put(IpcacheRecord.key(DESTINATION + "/32"), JSON.writeValueAsBytes(new IpcacheRecord(DESTINATION + "/32", 900002,
                NODE, "bench", "server", List.of())));
    }

    private Process startFlowService() throws IOException {
        Path jar = Repo.root().resolve("services/flow-service/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("flow-service is not built (" + jar + " is missing); run 'make build'");
        }
        Path logFile = Repo.runDirectory().resolve("logs").resolve("flow-service-bench.log");
        Files.createDirectories(logFile.getParent());
        log.println("starting flow-service on 127.0.0.1:" + FLOWS_PORT + " (log " + logFile + ")");
        return new ProcessBuilder(Repo.java(), "-XX:+UseSerialGC", "-Xmx512m", "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + FLOWS_PORT, "-Dseptum.nats.url=" + NATS_URL, "-Dseptum.nats.credentials-dir=" + Repo.natsCredentials(),
                "-Dmp.jwt.verify.publickey.location=" + LocalAuth.in(Repo.runDirectory()).ensure().publicKey(), "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
    }

    private static void awaitReady() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + FLOWS_PORT + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("flow-service was not ready within 90 s");
    }

    private static long deliveredToService() throws Exception {
        for (JsonNode node : get("/v1/status").path("nodes")) {
            if (node.path("node").asText().equals(NODE)) {
                return node.path("events").asLong();
            }
        }
        return 0;
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + FLOWS_PORT + path))
                        .header("Authorization", "Bearer " + LocalAuth.in(Repo.runDirectory()).cliToken()).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    /** An Ethernet + IPv4 + TCP SYN frame. */
    private static byte[] tcpSyn(String source, String destination) {
        ByteBuffer frame = ByteBuffer.allocate(14 + 20 + 20);
        frame.put(new byte[12]).putShort((short) 0x0800);
        frame.put((byte) 0x45).put((byte) 0).putShort((short) 40).putShort((short) 1).putShort((short) 0).put((byte) 64)
                .put((byte) 6).putShort((short) 0).putInt(address(source)).putInt(address(destination));
        frame.putShort((short) 40000).putShort((short) 80).putInt(1).putInt(0).put((byte) 0x50).put((byte) 0x02)
                .putShort((short) 1024).putShort((short) 0).putShort((short) 0);
        return frame.array();
    }

    private static int address(String ip) {
        return io.septum.model.net.Ipv4Cidr.parseAddress(ip);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
