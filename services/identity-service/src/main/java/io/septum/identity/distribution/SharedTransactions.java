package io.septum.identity.distribution;

import io.septum.identity.allocation.IdentityConfig;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
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
 *
 * <p>Writes are answered through callbacks ({@link Outcome}), on the thread that ends their transaction, and their
 * statements run on the plain Vert.x connection: no Mutiny pipeline (and the context capture of each of its operators)
 * per write, which had cost as much CPU as the rest of the write's path in the service.
 */
@Singleton
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

    /** A write: sends its one statement on the connection; reading the statement's rows adds its bucket changes. */
    @FunctionalInterface
    public interface Write<T> {
        Future<Answer<T>> send(SqlConnection connection, BucketChanges changes);
    }

    /**
     * Runs {@code write} (one statement) in a transaction holding the bucket lock, possibly shared with others, and
     * tells {@code outcome} its value once committed, or its refusal or failure.
     */
    public <T> void run(String lockOrder, Write<T> write, Outcome<T> outcome) {
        queue.add(new Pending<>(lockOrder, write, outcome));
    }

    private void run(List<Pending<?>> batch) {
        if (batch.size() == 1) {
            batch.getFirst().alone(transactions, queue::ended);
            return;
        }
        List<Pending<?>> ordered = new ArrayList<>(batch);
        ordered.sort(ORDER);
        transactions.run((connection, changes) -> {
            List<BucketChanges> own = new ArrayList<>(ordered.size());
            List<Future<?>> writes = new ArrayList<>(ordered.size());
            for (Pending<?> p : ordered) {
                BucketChanges c = new BucketChanges();
                own.add(c);
                writes.add(p.send(connection, c));
            }
            // every statement answered before the outcome (and a ROLLBACK) goes out on the connection
            return Future.join(writes).map(all -> {
                for (int i = 0; i < ordered.size(); i++) {
                    if (!ordered.get(i).refused()) {
                        changes.addAll(own.get(i));
                    }
                }
                return null;
            });
        }).onComplete(done -> {
            queue.ended();
            if (done.succeeded()) {
                sharedWrites.addAndGet(ordered.size());
                ordered.forEach(Pending::complete);
            } else {
                ordered.forEach(p -> p.alone(transactions, () -> { }));
            }
        });
    }

    /** How many writes were committed in a transaction shared with others, since start. */
    public long sharedWrites() {
        return sharedWrites.get();
    }

    /** A write waiting for its transaction, and its result once its statement answered. */
    private static final class Pending<T> {
        final String lockOrder;
        final Write<T> write;
        final Outcome<T> outcome;
        Answer<T> result;

        Pending(String lockOrder, Write<T> write, Outcome<T> outcome) {
            this.lockOrder = lockOrder;
            this.write = write;
            this.outcome = outcome;
        }

        Future<Answer<T>> send(SqlConnection connection, BucketChanges changes) {
            return started(connection, changes).onSuccess(r -> result = r);
        }

        boolean refused() {
            return result.refusal() != null;
        }

        void complete() {
            answer(result.value(), result.refusal());
        }

        /** In a transaction of its own; runs {@code ended} when the transaction is over, then answers the caller. */
        void alone(BucketTransactions transactions, Runnable ended) {
            // a refusal alone: thrown inside, so that the transaction rolls back (it changed nothing anyway)
            transactions.run((connection, changes) -> started(connection, changes).map(Answer::valueOrThrow))
                    .onComplete(done -> {
                        ended.run();
                        answer(done.result(), done.cause());
                    });
        }

        /** The statement sent, or the failure of sending it. */
        private Future<Answer<T>> started(SqlConnection connection, BucketChanges changes) {
            return BucketTransactions.started(() -> write.send(connection, changes));
        }

        private void answer(T value, Throwable failure) {
            Outcome.tell(outcome, value, failure, () -> "a shared endpoint write");
        }
    }
}
