package io.septum.flows.ingest;

import io.septum.flows.window.FlowWindow;
import io.septum.model.flows.Flow;
import io.septum.model.flows.FlowBatch;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** Counters of received flows (by node, verdict, drop reason, direction) and of every kind of loss, per node. */
@ApplicationScoped
public class FlowStats {

    private static final Logger LOG = Logger.getLogger(FlowStats.class);

    /** One counter cell of septum_flows_total. */
    public record FlowKey(String node, String verdict, String reason, String direction) {
    }

    /**
     * What is known of one node's flows.
     *
     * @param ringLosses     events its datapath could not queue (ring buffer full), as its last batch reported
     * @param exporterDrops  events its enforcer dropped (queue full, publish refused), as its last batch reported
     * @param missingBatches batches absent from its sequence (lost between the enforcer and here)
     */
    public record NodeFlows(String node, long batches, long events, long ringLosses, long exporterDrops, long missingBatches,
            String lastBatch) {
    }

    private static final class NodeState {
        long batches;
        long events;
        long ringLosses;
        long exporterDrops;
        long missingBatches;
        long lastSequence;
        long lastBatchMillis;
    }

    private final Map<FlowKey, LongAdder> flows = new ConcurrentHashMap<>();
    private final Map<String, NodeState> nodes = new ConcurrentHashMap<>();
    private final AtomicLong undecodable = new AtomicLong();
    private final LongAdder followDrops = new LongAdder();
    private volatile LongSupplier slowConsumerDrops = () -> 0;

    /**
     * Counts a batch's flows. Runs of flows with one key (a batch holds one node's flows, whose names are shared
     * constants) are counted with one look-up: no key object and no hashing per flow.
     */
    void count(List<FlowWindow.Entry> entries) {
        Flow first = null;
        long run = 0;
        for (FlowWindow.Entry entry : entries) {
            Flow flow = entry.flow();
            if (first != null && !sameKey(first, flow)) {
                add(first, run);
                run = 0;
            }
            if (run == 0) {
                first = flow;
            }
            run++;
        }
        if (run > 0) {
            add(first, run);
        }
    }

    private static boolean sameKey(Flow a, Flow b) {
        return a.node().equals(b.node()) && a.verdict().equals(b.verdict()) && a.dropReason().equals(b.dropReason())
                && a.direction().equals(b.direction());
    }

    private void add(Flow flow, long count) {
        flows.computeIfAbsent(new FlowKey(flow.node(), flow.verdict(), flow.dropReason(), flow.direction()), k -> new LongAdder())
                .add(count);
    }

    void batch(FlowBatch batch) {
        NodeState s = nodes.computeIfAbsent(batch.node(), k -> new NodeState());
        synchronized (s) {
            // A sequence that goes back is a restarted enforcer: it counts from 1 again, its exporter drops from 0.
            if (batch.sequence() > s.lastSequence + 1 && s.lastSequence > 0) {
                s.missingBatches += batch.sequence() - s.lastSequence - 1;
            }
            s.lastSequence = batch.sequence();
            s.batches++;
            s.events += batch.records().size();
            s.ringLosses = batch.ringLosses();
            s.exporterDrops = batch.exporterDrops();
            s.lastBatchMillis = System.currentTimeMillis();
        }
    }

    void undecodable(String subject, String why) {
        if (undecodable.getAndIncrement() % 1000 == 0) {
            LOG.warnf("unreadable flow message on %s: %s", subject, why);
        }
    }

    void countSlowConsumerDrops(LongSupplier supplier) {
        this.slowConsumerDrops = supplier;
    }

    /** A follow stream dropped a flow its client was too slow to take. */
    public void followDropped() {
        followDrops.increment();
    }

    public Map<FlowKey, Long> flows() {
        Map<FlowKey, Long> out = new TreeMap<>(java.util.Comparator.comparing(FlowKey::toString));
        flows.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public List<NodeFlows> nodes() {
        List<NodeFlows> out = new ArrayList<>();
        new TreeMap<>(nodes).forEach((node, s) -> {
            synchronized (s) {
                out.add(new NodeFlows(node, s.batches, s.events, s.ringLosses, s.exporterDrops, s.missingBatches,
                        java.time.Instant.ofEpochMilli(s.lastBatchMillis).toString()));
            }
        });
        return out;
    }

    /** Messages NATS dropped because this subscriber fell behind (each a batch of up to ~1,000 flows). */
    public long slowConsumerDrops() {
        return slowConsumerDrops.getAsLong();
    }

    public long undecodable() {
        return undecodable.get();
    }

    public long followDrops() {
        return followDrops.sum();
    }
}
