package io.septum.enforcer.agent.leases;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps this node's endpoints alive in identity-service, which removes the endpoints of a node that stops renewing
 * its lease: renews every third of the lease period the service states (at once on start), listing every endpoint the
 * node enforces, and registers again those the service says it does not know (they expired while the node could not
 * reach it, or its database was restored). Endpoints the service holds for the node that it did not list are removed
 * by the service itself (deletes that never arrived). Failures are retried every {@link #RETRY}; they never stop the
 * node from enforcing what it has.
 */
public final class LeaseRenewer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LeaseRenewer.class.getName());
    static final Duration RETRY = Duration.ofSeconds(2);
    private static final Duration FIRST = Duration.ofSeconds(5);
    private static final Duration LONGEST = Duration.ofSeconds(60);
    private static final Duration SHORTEST = Duration.ofMillis(200);

    private final String node;
    private final LeaseClient client;
    private final NodeEndpoints endpoints;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("lease-renewer").daemon().factory());
    private volatile Duration interval = FIRST;
    private volatile boolean failing;

    public LeaseRenewer(String node, LeaseClient client, NodeEndpoints endpoints) {
        this.node = node;
        this.client = client;
        this.endpoints = endpoints;
    }

    public void start() {
        executor.execute(this::renewAndReschedule);
    }

    private void renewAndReschedule() {
        Duration next;
        try {
            renew();
            next = interval;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            if (!failing) {
                LOG.warning("node " + node + ": " + e.getMessage() + "; retrying every " + RETRY.toSeconds()
                        + " s (endpoints stay enforced; identity-service removes them if this lasts a lease period)");
            }
            failing = true;
            next = RETRY.compareTo(interval) < 0 ? RETRY : interval;
        }
        if (!executor.isShutdown()) {
            executor.schedule(this::renewAndReschedule, next.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** One renewal, with the re-registrations it asks for. */
    void renew() throws Exception {
        List<String> keys = endpoints.keys();
        LeaseClient.NodeLease lease = client.renew(node, keys);
        if (failing) {
            LOG.info("node " + node + ": lease renewed again (" + lease.endpoints() + " endpoints)");
            failing = false;
        }
        Duration third = Duration.ofMillis(Math.round(lease.leaseSeconds() * 1000 / 3));
        interval = third.compareTo(SHORTEST) < 0 ? SHORTEST : third.compareTo(LONGEST) > 0 ? LONGEST : third;
        if (!lease.removedEndpoints().isEmpty()) {
            LOG.info("node " + node + ": identity-service removed endpoints this node no longer has: " + lease.removedEndpoints());
        }
        for (String key : lease.unknownEndpoints()) {
            try {
                endpoints.registerAgain(key);
                LOG.info("node " + node + ": registered endpoint " + key + " again (identity-service had lost it)");
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                LOG.log(Level.WARNING, "node " + node + ": register endpoint " + key + " again: " + e.getMessage(), e);
            }
        }
    }

    /** Time until the next renewal after a successful one: a third of the lease period. */
    Duration interval() {
        return interval;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
