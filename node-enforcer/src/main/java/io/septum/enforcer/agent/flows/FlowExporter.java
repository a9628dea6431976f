package io.septum.enforcer.agent.flows;

import io.nats.client.Connection;
import io.septum.enforcer.datapath.FlowEvent;
import io.septum.enforcer.datapath.Ipv4;
import io.septum.model.flows.FlowBatch;
import io.septum.model.flows.FlowRecord;
import io.septum.model.kv.Buckets;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Publishes the datapath's flow events to {@code flows.<node>} on core NATS, in {@link FlowBatch}es of at most
 * {@code maxBatch} events or {@code maxDelayMillis} old, whichever comes first.
 *
 * <p>The ring buffer reader thread only appends to the open batch (under a lock it shares with the flusher, held
 * for an append or a swap); one publisher thread encodes and publishes. Full batches wait in a bounded queue:
 * when the publisher falls behind, whole batches are dropped and counted — never the reader blocked, which would
 * only move the loss into the ring buffer. Every loss is counted: {@link Stats#queueDrops} here,
 * {@link Stats#publishFailures} for batches NATS refused, the datapath's own ring-buffer losses in every batch
 * header (cumulative, so a lost batch loses no count).
 *
 * <p>Times: events carry CLOCK_MONOTONIC; the batch header carries the offset to the wall clock taken once at
 * start, so wall-clock steps afterwards do not reorder a node's flows.
 */
public final class FlowExporter implements Consumer<FlowEvent>, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FlowExporter.class.getName());

    /** The exporter's counters; all cumulative since the process started. */
    public record Stats(long events, long batches, long queueDrops, long publishFailures, long bytes, int queuedBatches) {
    }

    private final Connection nats;
    private final String node;
    private final String subject;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final LongSupplier ringLosses;
    private final long wallClockOffsetNanos;
    private final BlockingQueue<FlowRecord[]> queue;
    private final Object lock = new Object();
    private final Thread publisher;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong queueDrops = new AtomicLong();
    private final AtomicLong publishFailures = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private FlowRecord[] open;
    private int openCount;
    private long openSince;
    private long sequence;
    private volatile boolean running = true;

    /**
     * @param monotonicNanos the datapath's clock (CLOCK_MONOTONIC), read once here for the wall-clock offset
     * @param ringLosses     the datapath's count of events lost to a full ring buffer
     */
    public FlowExporter(Connection nats, String node, int maxBatch, long maxDelayMillis, int queuedBatches,
            long monotonicNanos, LongSupplier ringLosses) {
        if (maxBatch < 1 || queuedBatches < 1 || maxDelayMillis < 1) {
            throw new IllegalArgumentException("flow exporter: batch size, queue length and delay must be positive");
        }
        Instant now = Instant.now();
        this.wallClockOffsetNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() - monotonicNanos;
        this.nats = nats;
        this.node = node;
        this.subject = Buckets.FLOWS_SUBJECT_PREFIX + node;
        this.maxBatch = maxBatch;
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(maxDelayMillis);
        this.ringLosses = ringLosses;
        this.queue = new ArrayBlockingQueue<>(queuedBatches);
        this.open = new FlowRecord[maxBatch];
        this.publisher = Thread.ofPlatform().name("septum-flow-export").daemon(true).unstarted(this::publishLoop);
    }

    public FlowExporter start() {
        publisher.start();
        return this;
    }

    /** Called on the ring buffer reader thread for every event; never blocks, never throws. */
    @Override
    public void accept(FlowEvent e) {
        try {
            FlowRecord record = new FlowRecord(e.timestampNs(), e.endpointId(), e.ifindex(), e.sourceIdentity(),
                    e.destinationIdentity(), Ipv4.bits(e.source()), Ipv4.bits(e.destination()), e.sourcePort(),
                    e.destinationPort(), e.protocol(), e.verdict().code(), e.reason().code(), e.direction().code(),
                    e.tcpFlags(), e.reply(), e.ruleRef(), e.packetLength());
            FlowRecord[] full = null;
            synchronized (lock) {
                if (openCount == 0) {
                    openSince = System.nanoTime();
                }
                open[openCount++] = record;
                if (openCount == maxBatch) {
                    full = open;
                    open = new FlowRecord[maxBatch];
                    openCount = 0;
                }
            }
            if (full != null) {
                enqueue(full);
            }
        } catch (RuntimeException ex) {
            queueDrops.incrementAndGet();
            LOG.log(Level.FINE, "flow event not exported", ex);
        }
    }

    private void enqueue(FlowRecord[] batch) {
        if (!queue.offer(batch)) {
            queueDrops.addAndGet(count(batch));
        }
    }

    private static int count(FlowRecord[] batch) {
        int n = 0;
        while (n < batch.length && batch[n] != null) {
            n++;
        }
        return n;
    }

    /** Takes the open batch if it is older than the delay (or {@code force}), as a full-length array padded with nulls. */
    private FlowRecord[] takeOpen(boolean force) {
        synchronized (lock) {
            if (openCount == 0 || (!force && System.nanoTime() - openSince < maxDelayNanos)) {
                return null;
            }
            FlowRecord[] taken = open;
            open = new FlowRecord[maxBatch];
            openCount = 0;
            return taken;
        }
    }

    private void publishLoop() {
        ByteBuffer buffer = ByteBuffer.allocate(FlowBatch.headerSize(node) + maxBatch * FlowBatch.RECORD_SIZE);
        long pollNanos = Math.max(maxDelayNanos / 4, 1_000_000L);
        while (running || !queue.isEmpty()) {
            try {
                FlowRecord[] batch = queue.poll(pollNanos, TimeUnit.NANOSECONDS);
                if (batch == null) {
                    batch = takeOpen(!running);
                }
                if (batch != null) {
                    publish(buffer, batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "flow export to " + subject + " failed", e);
            }
        }
        FlowRecord[] rest = takeOpen(true);
        if (rest != null) {
            publish(buffer, rest);
        }
    }

    private void publish(ByteBuffer buffer, FlowRecord[] batch) {
        int n = count(batch);
        buffer.clear();
        FlowBatch.writeHeader(buffer, node, ++sequence, wallClockOffsetNanos, ringLosses.getAsLong(),
                queueDrops.get() + publishFailures.get(), n);
        for (int i = 0; i < n; i++) {
            FlowBatch.writeRecord(buffer, batch[i]);
        }
        byte[] message = java.util.Arrays.copyOf(buffer.array(), buffer.position());
        try {
            nats.publish(subject, message);
            events.addAndGet(n);
            batches.incrementAndGet();
            bytes.addAndGet(message.length);
        } catch (IllegalStateException e) {
            // Closed connection, or the reconnect buffer is full while NATS is away.
            if (publishFailures.getAndAdd(n) == 0) {
                LOG.warning("publish flows to " + subject + ": " + e.getMessage() + "; counting lost events");
            }
        }
    }

    public Stats stats() {
        return new Stats(events.get(), batches.get(), queueDrops.get(), publishFailures.get(), bytes.get(), queue.size());
    }

    /** Publishes what is queued and open, then stops. */
    @Override
    public void close() {
        running = false;
        try {
            publisher.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
