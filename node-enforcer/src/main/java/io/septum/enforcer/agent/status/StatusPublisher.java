package io.septum.enforcer.agent.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.septum.enforcer.agent.Reconciler;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.NodeStatus;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reports this node's status on {@code status.<node>}: after every reconciliation pass and as a heartbeat,
 * so that policy-service can tell which revision each node enforces and which nodes are gone.
 * Publishing never blocks the reconciler; a status that cannot be sent is replaced by the next one.
 */
public final class StatusPublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StatusPublisher.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connection connection;
    private final String node;
    private final AtomicReference<Reconciler.Snapshot> latest = new AtomicReference<>();
    private final Thread thread;
    private final long intervalMillis;
    private volatile boolean running = true;
    private boolean streamReady;

    public StatusPublisher(Connection connection, String node, long intervalMillis) {
        this.connection = connection;
        this.node = node;
        this.intervalMillis = intervalMillis;
        this.thread = Thread.ofPlatform().name("status-publisher").daemon(true).unstarted(this::run);
    }

    public void start() {
        thread.start();
    }

    /**
     * Called on the reconciler thread after each pass: hand over and wake the publisher. Without a lock: the reconciler
     * never waits for the publisher (a monitor shared with it made the reconciler spin while the publisher held it).
     */
    public void offer(Reconciler.Snapshot snapshot) {
        latest.set(snapshot);
        LockSupport.unpark(thread);
    }

    private void run() {
        while (running) {
            Reconciler.Snapshot snapshot = latest.get();
            if (snapshot != null) {
                publish(snapshot);
            }
            // An offer after this check leaves a permit, so the park returns at once: no snapshot waits for the heartbeat.
            if (latest.get() == snapshot) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(intervalMillis));
            }
            if (Thread.interrupted()) {
                return;
            }
        }
    }

    private void publish(Reconciler.Snapshot snapshot) {
        try {
            ensureStream();
            NodeStatus status = new NodeStatus(node, System.currentTimeMillis(), snapshot.applied(), snapshot.endpoints(),
                    snapshot.endpointsReady(), snapshot.problems());
            // A plain publish: the stream stores it all the same. A JetStream publish only added an acknowledgement message
            // back to the node per report (and a pending future), which nothing read: a lost report is replaced by the next.
            connection.publish(Buckets.STATUS_SUBJECT_PREFIX + node, JSON.writeValueAsBytes(status));
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.log(Level.FINE, "publish status of node " + node + ": " + e.getMessage(), e);
        }
    }

    /** The stream keeps the last status of each node; created here too, identically, if policy-service is not up yet. */
    private void ensureStream() throws IOException, JetStreamApiException {
        if (!streamReady) {
            StatusStream.ensure(connection.jetStreamManagement());
            streamReady = true;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
