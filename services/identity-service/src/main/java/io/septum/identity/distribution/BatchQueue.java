package io.septum.identity.distribution;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Requests waiting for a shared transaction: at most {@code maxInFlight} batches run at once; requests that arrive
 * meanwhile wait, and the next batch takes up to {@code maxBatch} of them. No timer: under light load a request goes
 * alone at once, under heavy load the cost of a transaction is shared by many. The runner must call {@link #ended()}
 * exactly once per batch, when its transaction is over.
 */
public final class BatchQueue<P> {

    private final int maxBatch;
    private final int maxInFlight;
    private final Consumer<List<P>> runner;
    private final ConcurrentLinkedQueue<P> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    public BatchQueue(int maxBatch, int maxInFlight, Consumer<List<P>> runner) {
        this.maxBatch = maxBatch;
        this.maxInFlight = maxInFlight;
        this.runner = runner;
    }

    public void add(P request) {
        queue.add(request);
        drain();
    }

    /** A batch's transaction is over: the next may start. */
    public void ended() {
        inFlight.decrementAndGet();
        drain();
    }

    /** Starts batches for what waits, while fewer than max-in-flight run. Called after every add and every end. */
    private void drain() {
        while (!queue.isEmpty()) {
            int running = inFlight.get();
            if (running >= maxInFlight) {
                return; // the end of a running batch drains again
            }
            if (!inFlight.compareAndSet(running, running + 1)) {
                continue;
            }
            List<P> batch = new ArrayList<>();
            for (P next; batch.size() < maxBatch && (next = queue.poll()) != null; ) {
                batch.add(next);
            }
            if (batch.isEmpty()) {
                inFlight.decrementAndGet();
            } else {
                runner.accept(batch);
            }
        }
    }
}
