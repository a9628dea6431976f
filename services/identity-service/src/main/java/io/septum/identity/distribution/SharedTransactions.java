package io.septum.identity.distribution;

import io.septum.identity.allocation.IdentityConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * {@link BucketTransactions#run} for many small writes at once (endpoint registrations and deletions): concurrent
 * writes share one transaction — one BEGIN with the bucket lock, their statements pipelined on one connection, one
 * burst of bucket writes, one COMMIT — when they would otherwise wait ({@link BatchQueue}, at most
 * {@code endpoints.max-in-flight} shared transactions, at most {@code endpoints.max-batch} writes each). Each write
 * keeps the guarantee of its own transaction: answered only once its rows are committed and its bucket writes
 * acknowledged, or failed with nothing of it kept.
 *
 * <p>A write must be one statement and may add bucket changes only when it succeeds (each write collects its own
 * changes; the transaction publishes them in the order of the writes). When any write of a shared transaction fails,
 * the transaction rolls back and every write of it runs again alone, so that one write's failure (a conflict, a
 * missing namespace) is that write's answer only. Writes run in the order of their {@code lockOrder} (ties in arrival
 * order): writes whose locks are taken in that order — an endpoint's identity labels — cannot deadlock two shared
 * transactions.
 */
@ApplicationScoped
public class SharedTransactions {

    private static final Comparator<Pending<?>> ORDER = Comparator.comparing(p -> p.lockOrder);

    private final BucketTransactions transactions;
    private final BatchQueue<Pending<?>> queue;
    private final AtomicLong sharedWrites = new AtomicLong();

    public SharedTransactions(BucketTransactions transactions, IdentityConfig config) {
        this.transactions = transactions;
        this.queue = new BatchQueue<>(config.endpoints().maxBatch(), config.endpoints().maxInFlight(), this::run);
    }

    /** Runs {@code write} (one statement) in a transaction holding the bucket lock, possibly shared with others. */
    public <T> Uni<T> run(String lockOrder, BiFunction<SqlConnection, BucketChanges, Uni<T>> write) {
        return Uni.createFrom().emitter(emitter -> queue.add(new Pending<>(lockOrder, write, emitter)));
    }

    private void run(List<Pending<?>> batch) {
        if (batch.size() == 1) {
            batch.getFirst().alone(transactions).subscribe().with(done -> queue.ended(), failure -> queue.ended());
            return;
        }
        List<Pending<?>> ordered = new ArrayList<>(batch);
        ordered.sort(ORDER);
        transactions.run((connection, changes) -> {
            List<BucketChanges> own = new ArrayList<>(ordered.size());
            List<Uni<Void>> writes = new ArrayList<>(ordered.size());
            for (Pending<?> p : ordered) {
                BucketChanges c = new BucketChanges();
                own.add(c);
                writes.add(p.apply(connection, c));
            }
            // every statement answered before the outcome (and a ROLLBACK) goes out on the connection
            return Uni.join().all(writes).andCollectFailures().invoke(() -> own.forEach(changes::addAll));
        }).subscribe().with(done -> {
            queue.ended();
            sharedWrites.addAndGet(ordered.size());
            ordered.forEach(Pending::complete);
        }, failure -> {
            queue.ended();
            ordered.forEach(p -> p.alone(transactions).subscribe().with(ignored -> { }, ignored -> { }));
        });
    }

    /** How many writes were committed in a transaction shared with others, since start. */
    public long sharedWrites() {
        return sharedWrites.get();
    }

    /** A write waiting for its transaction, and its result once its statement answered. */
    private static final class Pending<T> {
        final String lockOrder;
        final BiFunction<SqlConnection, BucketChanges, Uni<T>> write;
        final UniEmitter<? super T> emitter;
        T result;

        Pending(String lockOrder, BiFunction<SqlConnection, BucketChanges, Uni<T>> write, UniEmitter<? super T> emitter) {
            this.lockOrder = lockOrder;
            this.write = write;
            this.emitter = emitter;
        }

        Uni<Void> apply(SqlConnection connection, BucketChanges changes) {
            return write.apply(connection, changes).invoke(r -> result = r).replaceWithVoid();
        }

        void complete() {
            emitter.complete(result);
        }

        /** In a transaction of its own; answers the caller, and completes (never fails) when that is done. */
        Uni<Void> alone(BucketTransactions transactions) {
            return transactions.run(write)
                    .invoke(emitter::complete)
                    .onFailure().invoke(emitter::fail)
                    .replaceWithVoid()
                    .onFailure().recoverWithNull();
        }
    }
}
