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
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@link BucketTransactions#run} for many small writes at once (endpoint registrations and deletions): concurrent
 * writes share one transaction — one BEGIN with the bucket lock, their statements pipelined on one connection, one
 * burst of bucket writes, one COMMIT — when they would otherwise wait ({@link BatchQueue}, at most
 * {@code endpoints.max-in-flight} shared transactions, at most {@code endpoints.max-batch} writes each). Each write
 * keeps the guarantee of its own transaction: answered only once its rows are committed and its bucket writes
 * acknowledged, or failed with nothing of it kept.
 *
 * <p>A write must be one statement. Its answer is a value or a refusal ({@link Answer}): a refusal is what the
 * statement reported without changing anything (a missing namespace, an address held by another endpoint, an unknown
 * endpoint) and answers that write only; its bucket changes, if any, are dropped. Each write collects its own
 * changes; the transaction publishes them in the order of the writes. When a write fails (the database refused a
 * statement, a deadlock), the transaction rolls back and every write of it runs again alone, so that the failure is
 * the answer of the write that caused it only. Writes run in the order of their {@code lockOrder} (ties in arrival
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
        this.queue = new BatchQueue<>(config.endpoints().maxBatch(), config.endpoints().maxInFlight(),
                config.endpoints().minBeside(), this::run);
    }

    /**
     * What a write answers: its value, or a refusal that changed nothing. {@link #of} turns the exceptions that are
     * refusals, thrown while the statement's rows are read, into one.
     */
    public record Answer<T>(T value, RuntimeException refusal) {

        public static <T> Answer<T> of(Supplier<T> read, Predicate<RuntimeException> isRefusal) {
            try {
                return new Answer<>(read.get(), null);
            } catch (RuntimeException e) {
                if (isRefusal.test(e)) {
                    return new Answer<>(null, e);
                }
                throw e;
            }
        }

        T valueOrThrow() {
            if (refusal != null) {
                throw refusal;
            }
            return value;
        }
    }

    /**
     * Runs {@code write} (one statement) in a transaction holding the bucket lock, possibly shared with others; fails
     * with its refusal, if it answers one.
     */
    public <T> Uni<T> run(String lockOrder, BiFunction<SqlConnection, BucketChanges, Uni<Answer<T>>> write) {
        return Uni.createFrom().<Answer<T>>emitter(emitter -> queue.add(new Pending<>(lockOrder, write, emitter)))
                .map(Answer::valueOrThrow);
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
            return Uni.join().all(writes).andCollectFailures().invoke(() -> {
                for (int i = 0; i < ordered.size(); i++) {
                    if (!ordered.get(i).refused()) {
                        changes.addAll(own.get(i));
                    }
                }
            });
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
        final BiFunction<SqlConnection, BucketChanges, Uni<Answer<T>>> write;
        final UniEmitter<? super Answer<T>> emitter;
        Answer<T> result;

        Pending(String lockOrder, BiFunction<SqlConnection, BucketChanges, Uni<Answer<T>>> write, UniEmitter<? super Answer<T>> emitter) {
            this.lockOrder = lockOrder;
            this.write = write;
            this.emitter = emitter;
        }

        Uni<Void> apply(SqlConnection connection, BucketChanges changes) {
            return write.apply(connection, changes).invoke(r -> result = r).replaceWithVoid();
        }

        boolean refused() {
            return result.refusal() != null;
        }

        void complete() {
            emitter.complete(result);
        }

        /** In a transaction of its own; answers the caller, and completes (never fails) when that is done. */
        Uni<Void> alone(BucketTransactions transactions) {
            // a refusal alone: thrown inside, so that the transaction rolls back (it changed nothing anyway)
            return transactions.run((connection, changes) -> write.apply(connection, changes).map(Answer::valueOrThrow)
                            .map(value -> new Answer<T>(value, null)))
                    .invoke(emitter::complete)
                    .onFailure().invoke(emitter::fail)
                    .replaceWithVoid()
                    .onFailure().recoverWithNull();
        }
    }
}
