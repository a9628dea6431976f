package io.septum.flows.window;

import io.septum.model.flows.Flow;
import io.septum.model.flows.FlowQuery;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The recent flows of every node, newest last, at most {@code septum.flows.window} of them (the oldest go first),
 * plus the listeners of live follow streams. Appends come from the ingesting thread; queries and listeners from
 * request threads.
 */
@ApplicationScoped
public class FlowWindow {

    /** A flow and its time in ns since the epoch (kept as a number for the time filters). */
    public record Entry(long timeNanos, Flow flow) {
    }

    private final Entry[] ring;
    private final List<Consumer<Entry>> listeners = new CopyOnWriteArrayList<>();
    private long appended;

    public FlowWindow(@ConfigProperty(name = "septum.flows.window") int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("septum.flows.window must be positive, not " + capacity);
        }
        this.ring = new Entry[capacity];
    }

    /** Appends a node's flows in their order and hands each to the listeners (who must not block). */
    public void append(List<Entry> entries) {
        synchronized (ring) {
            for (Entry e : entries) {
                ring[(int) (appended++ % ring.length)] = e;
            }
        }
        for (Consumer<Entry> listener : listeners) {
            for (Entry e : entries) {
                listener.accept(e);
            }
        }
    }

    /** The most recent flows matching {@code query}, oldest first: its {@code last} ones, at most {@code max}. */
    public List<Entry> query(FlowQuery query, int max) {
        int limit = query.last() > 0 ? Math.min(query.last(), max) : max;
        List<Entry> found = new ArrayList<>(Math.min(limit, 1024));
        synchronized (ring) {
            long oldest = Math.max(0, appended - ring.length);
            for (long i = appended - 1; i >= oldest && found.size() < limit; i--) {
                Entry e = ring[(int) (i % ring.length)];
                if (query.matches(e.timeNanos(), e.flow())) {
                    found.add(e);
                }
            }
        }
        Collections.reverse(found);
        return found;
    }

    public void listen(Consumer<Entry> listener) {
        listeners.add(listener);
    }

    public void unlisten(Consumer<Entry> listener) {
        listeners.remove(listener);
    }

    public int capacity() {
        return ring.length;
    }

    /** Flows appended since start; the window holds the last {@link #capacity()} of them. */
    public long appended() {
        synchronized (ring) {
            return appended;
        }
    }
}
