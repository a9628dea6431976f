package io.septum.identity.distribution;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Requests waiting for a shared transaction: at most {@code maxInFlight} batches run at once; requests that arrive
 * meanwhile wait, and the next batch takes up to {@code maxBatch} of them. A batch starts at once when none runs; beside
 * running ones only once {@code minBeside} requests wait — otherwise they wait for the end of a running batch, which
 * takes them all. No timer: under light load a request goes alone at once, and a request never waits longer than a
 * running transaction; under heavy load the cost of a transaction is shared by many, and a second transaction is not
 * started for the few requests that arrived just after the first began (it would halve the sharing of both). The
 * runner must call {@link #ended()} exactly once per batch, when its transaction is over.
 */
public final class BatchQueue<P> {

    private final int maxBatch;
    private final int maxInFlight;
    private final int minBeside;
    private final Consumer<List<P>> runner;
    private final ConcurrentLinkedQueue<P> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();

    public BatchQueue(int maxBatch, int maxInFlight, int minBeside, Consumer<List<P>> runner) {
        if (maxBatch < 1 || maxInFlight < 1 || minBeside < 1) {
            throw new IllegalArgumentException("batch queue: max-batch " + maxBatch + ", max-in-flight " + maxInFlight
                    + " and min-beside " + minBeside + " must all be at least 1");
        }
        this.maxBatch = maxBatch;
        this.maxInFlight = maxInFlight;
        this.minBeside = Math.min(minBeside, maxBatch);
        this.runner = runner;
    }

    public void add(P request) {
        queue.add(request);
        waiting.incrementAndGet();
        drain();
    }

    /** A batch's transaction is over: the next may start. */
    public void ended() {
        inFlight.decrementAndGet();
        drain();
    }

    /** Starts batches for what waits, while the rules allow. Called after every add and every end. */
    private void drain() {
        while (waiting.get() > 0) {
            int running = inFlight.get();
            if (running >= maxInFlight || (running > 0 && waiting.get() < minBeside)) {
                return; // the end of a running batch, or the next arrival, drains again
            }
            if (!inFlight.compareAndSet(running, running + 1)) {
                continue;
            }
            List<P> batch = new ArrayList<>();
            for (P next; batch.size() < maxBatch && (next = queue.poll()) != null; ) {
                batch.add(next);
            }
            waiting.addAndGet(-batch.size());
            if (batch.isEmpty()) {
                inFlight.decrementAndGet();
            } else {
                runner.accept(batch);
            }
        }
    }
}
