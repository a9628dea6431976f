package io.septum.identity.collection;

import io.quarkus.runtime.StartupEvent;
import io.septum.identity.allocation.IdentityConfig;
import io.septum.identity.endpoints.EndpointRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs collection passes every {@code septum.identity.gc.interval}, on a thread of its own: endpoints whose lease ran
 * out are removed, then candidate identities (those that lost an endpoint, or were created or unmarked, since the
 * last pass) that no endpoint refers to are marked, then those unused for the grace period are
 * collected. Each step works in transactions of at most {@code batch} rows and goes on while a transaction was full,
 * so a pass keeps up with any churn the database can take. Every replica runs passes; the database functions let
 * them work side by side (each takes rows the other has not locked).
 *
 * <p>Leases only expire once this replica has been able to take renewals for a whole lease period: after a start, or
 * after a pass failed (PostgreSQL or NATS out of reach, so perhaps renewals too), a lease that looks run out may only
 * mean that its node could not reach the service.
 */
@Singleton
public class CollectionPasses {

    private static final Logger LOG = Logger.getLogger(CollectionPasses.class);
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

    /** What one pass did. */
    public record PassReport(int endpointsExpired, int identitiesMarked, int identitiesCollected) {
    }

    private final EndpointRegistry endpoints;
    private final IdentityCollector identities;
    private final IdentityConfig.CollectionConfig config;
    private final Duration lease;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("collection-passes").daemon().factory());
    private volatile long leasesTrustedFromNanos;

    public CollectionPasses(EndpointRegistry endpoints, IdentityCollector identities, IdentityConfig config) {
        this.endpoints = endpoints;
        this.identities = identities;
        this.config = config.gc();
        this.lease = config.lease().duration();
        this.leasesTrustedFromNanos = System.nanoTime() + lease.toNanos();
    }

    void start(@Observes StartupEvent event) {
        if (config.enabled()) {
            long every = config.interval().toMillis();
            executor.scheduleWithFixedDelay(this::scheduledPass, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private void scheduledPass() {
        try {
            PassReport report = pass();
            if (report.endpointsExpired() + report.identitiesCollected() > 0) {
                LOG.debugf("collection pass: %s", report);
            }
        } catch (RuntimeException e) {
            distrustLeases();
            LOG.warnf("collection pass failed (leases expire again only after %s without failure): %s", lease, e.getMessage());
        }
    }

    /** Runs one pass now, on the calling thread (blocking); passes never overlap within a replica. */
    public synchronized PassReport pass() {
        int expired = System.nanoTime() - leasesTrustedFromNanos >= 0 ? repeat(endpoints::expire) : 0;
        int marked = 0;
        IdentityCollector.Marking marking;
        do {
            marking = identities.mark(config.batch()).await().atMost(STEP_TIMEOUT);
            marked += marking.marked();
        } while (marking.taken() == config.batch());
        int collected = repeat(identities::collect);
        return new PassReport(expired, marked, collected);
    }

    /** Runs a step until a transaction handles fewer rows than a batch. */
    private int repeat(java.util.function.IntFunction<Uni<Integer>> step) {
        int total = 0;
        int done;
        do {
            done = step.apply(config.batch()).await().atMost(STEP_TIMEOUT);
            total += done;
        } while (done == config.batch());
        return total;
    }

    /** Lets leases expire again only after a lease period from now: renewals may not have reached the service. */
    public void distrustLeases() {
        leasesTrustedFromNanos = System.nanoTime() + lease.toNanos();
    }

    /** Trusts leases from now on, as if this replica had been taking renewals for a lease period (tests). */
    public void trustLeases() {
        leasesTrustedFromNanos = System.nanoTime();
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
