package io.septum.enforcer.datapath;

import io.septum.enforcer.datapath.events.EventLossCounter;
import io.septum.enforcer.datapath.events.FlowEventDecoder;
import io.septum.enforcer.datapath.libbpf.BpfMap;
import io.septum.enforcer.datapath.libbpf.Errno;
import io.septum.enforcer.datapath.libbpf.Native;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Reads flow events from the ring buffer on one platform thread and hands each to a sink, in order.
 *
 * <p>The datapath queues events without waking the reader (waking per event costs packet rate) and wakes it
 * only when 64 KiB are queued; so the thread also drains the ring every {@link #POLL_INTERVAL_MS} ms. An event
 * therefore reaches the sink within about that interval. Events lost to a full ring are counted by the
 * datapath and logged here as a warning when the count grows.
 *
 * <p>The sink runs on the reader thread and must be quick; an exception it throws is logged and the event
 * skipped (it must never reach the native caller: that would kill the JVM).
 */
public final class FlowEventReader implements AutoCloseable {

    public static final int POLL_INTERVAL_MS = 100;
    private static final long LOSS_CHECK_NANOS = 1_000_000_000L;
    private static final System.Logger LOG = System.getLogger(FlowEventReader.class.getName());

    private final String name;
    private final Consumer<FlowEvent> sink;
    private final EventLossCounter losses;
    private final Arena arena;
    private final MemorySegment ringBuffer;
    private final Thread thread;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile boolean running = true;
    private long lossesSeen;

    private FlowEventReader(BpfMap events, EventLossCounter losses, Consumer<FlowEvent> sink) {
        this.name = events.name();
        this.sink = sink;
        this.losses = losses;
        this.lossesSeen = losses.read();
        this.arena = Arena.ofShared();
        try {
            var callback = MethodHandles.lookup()
                    .findVirtual(FlowEventReader.class, "onRecord",
                            MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class, long.class))
                    .bindTo(this);
            MemorySegment stub = Native.upcallStub(callback, Native.RING_BUFFER_SAMPLE_FN, arena);
            MemorySegment rb = Native.ringBufferNew(eventsFd(events), stub, MemorySegment.NULL, MemorySegment.NULL);
            if (rb.equals(MemorySegment.NULL)) {
                throw new BpfException("open ring buffer " + events.name(), events.where(), Errno.last());
            }
            this.ringBuffer = rb;
        } catch (ReflectiveOperationException e) {
            arena.close();
            throw new IllegalStateException("bind ring buffer callback", e);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        this.thread = Thread.ofPlatform().name("septum-flow-events").daemon(true).unstarted(this::run);
    }

    /** Starts reading {@code events} (a ring buffer map) into {@code sink}. */
    static FlowEventReader start(BpfMap events, EventLossCounter losses, Consumer<FlowEvent> sink) {
        FlowEventReader reader = new FlowEventReader(events, losses, sink);
        reader.thread.start();
        return reader;
    }

    private static int eventsFd(BpfMap events) {
        if (events.type() != BpfMap.TYPE_RINGBUF) {
            throw new IllegalArgumentException(events + " is not a ring buffer");
        }
        return events.fd();
    }

    /** Events handed to the sink so far. */
    public long delivered() {
        return delivered.get();
    }

    /** Events dropped here: undecodable, or the sink threw. */
    public long rejected() {
        return rejected.get();
    }

    /** Events the datapath lost (full ring) since the ring buffer map was created. */
    public long losses() {
        return losses.read();
    }

    public boolean isRunning() {
        return running && thread.isAlive();
    }

    private void run() {
        long nextLossCheck = System.nanoTime() + LOSS_CHECK_NANOS;
        try {
            while (running) {
                int rc = Native.ringBufferPoll(ringBuffer, POLL_INTERVAL_MS);
                if (rc < 0 && Errno.of(rc) != Errno.EINTR) {
                    LOG.log(Level.ERROR, "poll ring buffer " + name + ": " + Errno.describe(Errno.of(rc)));
                    Thread.sleep(POLL_INTERVAL_MS);
                } else if (rc == 0) {
                    Native.ringBufferConsume(ringBuffer); // queued without a wake-up
                }
                if (System.nanoTime() - nextLossCheck >= 0) {
                    reportLosses();
                    nextLossCheck = System.nanoTime() + LOSS_CHECK_NANOS;
                }
            }
            Native.ringBufferConsume(ringBuffer); // what arrived before close
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "flow event reader for " + name + " stopped", e);
        } finally {
            running = false;
            Native.ringBufferFree(ringBuffer);
            arena.close();
        }
    }

    private void reportLosses() {
        long now = losses.read();
        if (now != lossesSeen) {
            LOG.log(Level.WARNING, (now - lossesSeen) + " flow events lost: the ring buffer " + name
                    + " was full (" + now + " lost in total); the reader or its sink is too slow");
            lossesSeen = now;
        }
    }

    /** The ring buffer callback. Runs inside libbpf: it must never throw. */
    private int onRecord(MemorySegment context, MemorySegment data, long size) {
        try {
            FlowEvent event = FlowEventDecoder.decode(Native.view(data, size));
            sink.accept(event);
            delivered.incrementAndGet();
        } catch (Throwable t) {
            if (rejected.getAndIncrement() < 10) {
                LOG.log(Level.WARNING, "flow event skipped", t);
            }
        }
        return 0;
    }

    /**
     * Stops the thread after its current poll (at most {@link #POLL_INTERVAL_MS} ms) and waits for it; the
     * thread frees the ring buffer itself, so an interrupted wait leaks nothing.
     */
    @Override
    public void close() {
        running = false;
        if (Thread.currentThread() == thread) {
            return; // called from the sink: the loop ends after this record
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
