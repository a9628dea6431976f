package io.septum.enforcer.datapath;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Collects flow events from the reader thread; tests wait for the one they expect. */
final class EventCollector implements Consumer<FlowEvent> {

    /** The reader drains every 100 ms; this leaves ample room. */
    static final Duration WAIT = Duration.ofSeconds(3);

    private final List<FlowEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void accept(FlowEvent event) {
        events.add(event);
    }

    /** The first event matching {@code filter}, waiting for it up to {@link #WAIT}. */
    FlowEvent await(String what, Predicate<FlowEvent> filter) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            for (FlowEvent event : events) {
                if (filter.test(event)) {
                    return event;
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("no flow event " + what + " within " + WAIT + "; got " + events.size() + " events, last: "
                        + events.subList(Math.max(0, events.size() - 5), events.size()));
            }
            Thread.sleep(20);
        }
    }

    List<FlowEvent> matching(Predicate<FlowEvent> filter) {
        return events.stream().filter(filter).toList();
    }
}
