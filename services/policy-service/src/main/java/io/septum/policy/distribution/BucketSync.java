package io.septum.policy.distribution;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.septum.model.kv.PolicyRecord;
import io.septum.policy.store.PolicyRepository;
import io.septum.policy.store.PolicySelection;
import io.septum.policy.store.StoredPolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps the bucket equal to PostgreSQL. At start-up, before the service takes requests, it rebuilds the
 * bucket: every stored object whose bucket value differs (or is missing) is put, every key without a
 * stored object is deleted; identical values are left alone, so a restart does not make every enforcer
 * recompute. After a failed bucket update it rebuilds again, retrying until it succeeds.
 */
@ApplicationScoped
public class BucketSync {

    private static final Logger LOG = Logger.getLogger(BucketSync.class);

    @ConfigMapping(prefix = "septum.distribution")
    public interface Config {
        /** Delay before a rebuild after a failed bucket update, and between failed rebuilds. */
        Duration resyncDelay();
    }

    /** What a rebuild did. */
    public record Rebuild(int objects, int put, int deleted) {
    }

    @Inject
    PolicyRepository repository;

    @Inject
    PolicyBucket bucket;

    @Inject
    WriteSequencer sequencer;

    @Inject
    Config config;

    private final AtomicBoolean resyncScheduled = new AtomicBoolean();
    /** Bucket update failures so far, and how many of them the last successful rebuild covered. */
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong repairedFailures = new AtomicLong();

    void onStart(@Observes StartupEvent event) throws Throwable {
        Rebuild rebuild = VertxContextSupport.subscribeAndAwait(
                () -> bucket.createIfMissing().chain(() -> sequencer.run(this::rebuild)));
        LOG.infof("bucket policies rebuilt from PostgreSQL: %d objects, %d put, %d stale keys deleted",
                rebuild.objects(), rebuild.put(), rebuild.deleted());
    }

    /** True unless a bucket update failed after the last successful rebuild. */
    public boolean inSync() {
        return repairedFailures.get() == failures.get();
    }

    /** Makes the bucket hold exactly the stored objects. Run it inside the {@link WriteSequencer}. */
    public Uni<Rebuild> rebuild() {
        return repository.find(PolicySelection.all()).chain(rows -> bucket.contents().chain(present -> {
            Map<String, PolicyRecord> wanted = new LinkedHashMap<>();
            for (StoredPolicy row : rows) {
                PolicyRecord record = row.toRecord();
                wanted.put(PolicyBucket.key(record), record);
            }
            List<PolicyRecord> puts = wanted.entrySet().stream()
                    .filter(e -> !bucket.tree(e.getValue()).equals(present.get(e.getKey())))
                    .map(Map.Entry::getValue)
                    .toList();
            List<String> deletes = present.keySet().stream().filter(key -> !wanted.containsKey(key)).sorted().toList();
            return bucket.put(puts)
                    .chain(() -> bucket.delete(deletes))
                    .map(ignored -> new Rebuild(wanted.size(), puts.size(), deletes.size()));
        }));
    }

    /** A bucket update failed: rebuild after the configured delay (one rebuild covers every failure before it starts). */
    void resyncLater() {
        failures.incrementAndGet();
        scheduleResync();
    }

    private void scheduleResync() {
        if (resyncScheduled.compareAndSet(false, true)) {
            // On a worker thread: VertxContextSupport refuses to start from an event loop.
            Infrastructure.getDefaultWorkerPool().schedule(this::resync, config.resyncDelay().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void resync() {
        VertxContextSupport.<Rebuild>subscribe(() -> sequencer.run(() -> {
            // From here on a new failure needs a new rebuild: this one may already have read the bucket.
            resyncScheduled.set(false);
            long covered = failures.get();
            return rebuild().invoke(ignored -> repairedFailures.accumulateAndGet(covered, Math::max));
        }).toMulti(), subscribe -> subscribe.with(
                rebuild -> LOG.infof("bucket policies rebuilt after a failed update: %d put, %d stale keys deleted",
                        rebuild.put(), rebuild.deleted()),
                failure -> {
                    LOG.warnf("rebuild bucket policies: %s; retrying in %s", failure.getMessage(), config.resyncDelay());
                    scheduleResync();
                }));
    }
}
