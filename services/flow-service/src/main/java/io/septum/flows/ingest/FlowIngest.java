package io.septum.flows.ingest;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.quarkus.arc.ClientProxy;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.septum.flows.cluster.ClusterView;
import io.septum.flows.window.FlowWindow;
import io.septum.model.flows.FlowBatch;
import io.septum.model.flows.FlowRecord;
import io.septum.model.kv.Buckets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;

/**
 * Subscribes to {@code flows.>} with plain core NATS (one dispatcher thread: decode, name, append, count) — at
 * hundreds of thousands of events per second a reactive channel per message would cost more than the work.
 * Every loss is counted in {@link FlowStats}: what the enforcers report (ring buffer, exporter), batches missing
 * from a node's sequence, messages NATS dropped because this subscriber fell behind, undecodable messages.
 */
@ApplicationScoped
public class FlowIngest {

    private static final Logger LOG = Logger.getLogger(FlowIngest.class);

    @Inject
    Connection connection;

    @Inject
    ClusterView cluster;

    @Inject
    FlowWindow window;

    @Inject
    FlowStats stats;

    @ConfigProperty(name = "septum.flows.pending-messages")
    int pendingMessages;

    private final DropReasons reasons = DropReasons.load();
    private FlowEnricher enricher;
    private FlowStats counters;
    private FlowWindow flowWindow;
    private Dispatcher dispatcher;

    void start(@Observes StartupEvent event) {
        // The dispatcher calls these per flow: through their client proxies, every call would look the bean up first.
        enricher = new FlowEnricher(ClientProxy.unwrap(cluster), reasons);
        counters = ClientProxy.unwrap(stats);
        flowWindow = ClientProxy.unwrap(window);
        dispatcher = connection.createDispatcher(this::onMessage);
        dispatcher.setPendingLimits(pendingMessages, 512L * 1024 * 1024);
        dispatcher.subscribe(Buckets.FLOWS_SUBJECT_PREFIX + ">");
        stats.countSlowConsumerDrops(dispatcher::getDroppedCount);
        LOG.infof("receiving flows on %s>", Buckets.FLOWS_SUBJECT_PREFIX);
    }

    void stop(@Observes ShutdownEvent event) {
        if (dispatcher != null) {
            connection.closeDispatcher(dispatcher);
        }
    }

    public DropReasons dropReasons() {
        return reasons;
    }

    private void onMessage(Message message) {
        FlowBatch batch;
        try {
            batch = FlowBatch.decode(message.getData());
        } catch (IllegalArgumentException e) {
            counters.undecodable(message.getSubject(), e.getMessage());
            return;
        }
        try {
            List<FlowWindow.Entry> entries = new ArrayList<>(batch.records().size());
            enricher.startBatch();
            for (FlowRecord r : batch.records()) {
                long time = batch.wallClockNanos(r);
                entries.add(new FlowWindow.Entry(time, enricher.enrich(batch.node(), time, r)));
            }
            counters.count(entries);
            counters.batch(batch);
            flowWindow.append(entries);
        } catch (RuntimeException e) {
            LOG.errorf(e, "flows from %s: batch %d skipped", batch.node(), batch.sequence());
            counters.undecodable(message.getSubject(), e.toString());
        }
    }
}
