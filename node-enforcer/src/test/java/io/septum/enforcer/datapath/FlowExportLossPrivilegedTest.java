package io.septum.enforcer.datapath;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import io.septum.auth.testing.LocalNats;
import io.septum.enforcer.agent.flows.FlowExporter;
import io.septum.enforcer.datapath.libbpf.MonotonicClock;
import io.septum.model.flows.FlowBatch;
import io.septum.model.kv.Buckets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Flow events are never lost silently: with a ring buffer of one page, a burst of drops the reader cannot keep
 * up with loses events in the kernel, and every event the program emitted is then either delivered through the
 * exporter to NATS or counted as a ring-buffer loss in the batch headers — exactly. Runs the real program
 * ({@code BPF_PROG_TEST_RUN} on crafted SYNs from an unknown interface, each a drop with an event) against the
 * test NATS on 127.0.0.1:4223. Needs root (BPF); pins in /sys/fs/bpf/septum/septest-dp-flowloss, removed after.
 */
@Tag("privileged")
class FlowExportLossPrivilegedTest {

    private static final String NATS = "nats://127.0.0.1:4223";
    private static final String NODE = "septest-flowloss";
    private static final int RING_BYTES = 4096; // one page: ~70 events of 56 bytes with their ring headers
    private static final int EVENTS = 1_000;
    private static final int LOOPBACK = 1; // exists in every namespace, is no endpoint: each SYN is an UNKNOWN_ENDPOINT drop

    @Test
    void everyEventIsDeliveredOrCountedAsLost() throws Exception {
        assumeTrue(TestPins.isRoot(), "needs root: loads BPF programs");
        TestPins pins = TestPins.claim("septest-dp-flowloss");
        Datapath datapath = null;
        Connection nats = null;
        FlowExporter exporter = null;
        try {
            datapath = Datapath.open(new DatapathConfig(pins.directory(), RING_BYTES, 1024));
            nats = Nats.connect(LocalNats.options(NATS));
            Subscription subscription = nats.subscribe(Buckets.FLOWS_SUBJECT_PREFIX + NODE);
            nats.flush(Duration.ofSeconds(5));
            Inet4Address a = Ipv4.parse("10.200.0.1");
            Inet4Address b = Ipv4.parse("10.200.0.2");
            // No reader yet: the ring fills, then every reservation fails and is counted.
            for (int i = 0; i < EVENTS; i++) {
                assertThat(datapath.runProgram(Direction.EGRESS, Frames.tcpSyn(a, b, 10_000 + i, 80), LOOPBACK)).isEqualTo(2);
            }
            long lost = datapath.eventLosses();
            assertThat(lost).as("events lost to the one-page ring").isBetween((long) EVENTS / 2, (long) EVENTS - 1);

            Datapath dp = datapath;
            exporter = new FlowExporter(nats, NODE, 16, 20, 64, MonotonicClock.nanos(), dp::eventLosses).start();
            datapath.openEvents(exporter);

            long delivered = 0;
            long reportedLosses = -1;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (delivered + reportedLosses != EVENTS && System.nanoTime() < deadline) {
                Message message = subscription.nextMessage(Duration.ofMillis(500));
                if (message != null) {
                    FlowBatch batch = FlowBatch.decode(message.getData());
                    assertThat(batch.node()).isEqualTo(NODE);
                    assertThat(batch.records()).allSatisfy(r -> assertThat(r.reason()).isEqualTo(DropReason.UNKNOWN_ENDPOINT.code()));
                    delivered += batch.records().size();
                    reportedLosses = batch.ringLosses();
                }
            }
            assertThat(reportedLosses).as("ring-buffer losses in the batch headers").isEqualTo(lost);
            assertThat(delivered + reportedLosses).as("delivered + lost").isEqualTo(EVENTS);
            assertThat(exporter.stats().queueDrops() + exporter.stats().publishFailures()).isZero();
        } finally {
            TestPins.release(pins, datapath, exporter, nats);
        }
    }

    @Test
    void eventsTheExporterCannotPublishAreCounted() throws Exception {
        Connection nats = Nats.connect(LocalNats.options(NATS));
        nats.close();
        try (FlowExporter exporter = new FlowExporter(nats, NODE, 10, 5, 2, 0, () -> 0).start()) {
            Inet4Address a = Ipv4.parse("10.200.0.1");
            for (int i = 0; i < 95; i++) {
                exporter.accept(new FlowEvent(i, 0, 1, 0, 0, a, a, 1, 2, 6, Verdict.DROPPED, DropReason.UNKNOWN_ENDPOINT,
                        Direction.EGRESS, 2, false, 0, 60));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (exporter.stats().queueDrops() + exporter.stats().publishFailures() < 95 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            FlowExporter.Stats stats = exporter.stats();
            assertThat(stats.events()).isZero();
            assertThat(stats.queueDrops() + stats.publishFailures()).as("events counted as dropped").isEqualTo(95);
        }
    }
}
