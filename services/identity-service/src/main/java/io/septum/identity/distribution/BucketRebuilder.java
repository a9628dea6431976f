package io.septum.identity.distribution;

import io.quarkus.runtime.StartupEvent;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Rebuilds the buckets from PostgreSQL: after every NATS (re)connect, which includes start-up, and after a bucket
 * write failed. PostgreSQL is the source of truth, so a NATS server that lost its state, or a deleted bucket, costs
 * nothing but the rebuild. Rebuilds run one at a time on their own thread; requests made while one waits to start
 * share it. A failed rebuild is retried while NATS is connected.
 */
@Singleton
public class BucketRebuilder {

    private static final Logger LOG = Logger.getLogger(BucketRebuilder.class);
    private static final long RETRY_SECONDS = 5;
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

    private final NatsConnection nats;
    private final BucketWriter writer;
    private final Pool pool;
    private final Instance<BucketSource> sources;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("bucket-rebuild").daemon().factory());

    private CompletableFuture<List<BucketWriter.BucketReport>> queued; // guarded by this
    private volatile Instant syncedAt;
    private volatile String problem;

    public BucketRebuilder(NatsConnection nats, BucketWriter writer, PlainPool pool, Instance<BucketSource> sources) {
        this.nats = nats;
        this.writer = writer;
        this.pool = pool.get();
        this.sources = sources;
    }

    void start(@Observes StartupEvent event) {
        nats.onConnected(this::requestRebuild);
        writer.onFailure(this::requestRebuild);
        if (nats.isConnected()) {
            requestRebuild();
        }
    }

    /** When the buckets last matched PostgreSQL; null while a rebuild is due. */
    public Instant syncedAt() {
        return syncedAt;
    }

    /** Why the last rebuild failed; null after a successful one. */
    public String problem() {
        return problem;
    }

    /** Schedules a rebuild (or joins one that has not started yet); the future completes when it has run. */
    public synchronized CompletableFuture<List<BucketWriter.BucketReport>> requestRebuild() {
        syncedAt = null;
        if (queued == null) {
            CompletableFuture<List<BucketWriter.BucketReport>> next = new CompletableFuture<>();
            queued = next;
            executor.execute(() -> run(next));
        }
        return queued;
    }

    private void run(CompletableFuture<List<BucketWriter.BucketReport>> result) {
        synchronized (this) {
            if (queued == result) {
                queued = null;
            }
        }
        if (!nats.isConnected()) {
            problem = "NATS at " + nats.url() + " is not connected";
            result.completeExceptionally(new DistributionException("rebuild buckets: " + problem, null));
            return; // the next connect requests a rebuild
        }
        try {
            List<BucketWriter.BucketReport> reports = rebuild();
            problem = null;
            synchronized (this) {
                if (queued == null) { // else the next rebuild is due already
                    syncedAt = Instant.now();
                }
            }
            LOG.infof("rebuilt buckets from PostgreSQL: %s", reports.stream()
                    .map(r -> r.bucket() + " " + r.entries() + " entries (" + r.written() + " written, " + r.deleted() + " deleted)")
                    .collect(Collectors.joining(", ")));
            result.complete(reports);
        } catch (Throwable e) {
            problem = "rebuild buckets from PostgreSQL: " + e.getMessage();
            LOG.warnf(e, "%s; retrying in %d s", problem, RETRY_SECONDS);
            executor.schedule(this::retry, RETRY_SECONDS, TimeUnit.SECONDS);
            result.completeExceptionally(e);
        }
    }

    private void retry() {
        if (syncedAt == null && nats.isConnected()) {
            requestRebuild();
        }
    }

    /** Reads every source and rewrites the buckets in one transaction holding the bucket lock exclusively. Blocks. */
    private List<BucketWriter.BucketReport> rebuild() {
        SqlConnection connection = Futures.await(pool.getConnection(), STEP_TIMEOUT, "connect to PostgreSQL");
        try {
            Futures.await(connection.query(BucketTransactions.BEGIN_EXCLUSIVE).execute(), STEP_TIMEOUT, "take the bucket lock");
            try {
                Map<String, Map<String, Object>> desired = new LinkedHashMap<>();
                // by bucket name: "identities" before "ipcache", so an identity is in place before entries that use it
                for (BucketSource source : sources.stream().sorted(Comparator.comparing(BucketSource::bucket)).toList()) {
                    desired.put(source.bucket(), Futures.await(source.entries(connection), STEP_TIMEOUT, "read the entries of bucket " + source.bucket()));
                }
                List<BucketWriter.BucketReport> reports = writer.reconcile(desired);
                Futures.await(connection.query("COMMIT").execute(), STEP_TIMEOUT, "commit the rebuild");
                return reports;
            } catch (RuntimeException e) {
                Futures.await(connection.query("ROLLBACK").execute().otherwiseEmpty(), STEP_TIMEOUT, "roll the rebuild back");
                throw e;
            }
        } finally {
            Futures.await(connection.close(), STEP_TIMEOUT, "close the rebuild's connection");
        }
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
