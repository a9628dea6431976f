package io.septum.identity.distribution;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import jakarta.inject.Singleton;

import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * How every change reaches PostgreSQL and the buckets together: one transaction holds the shared bucket lock, makes
 * its row changes, collects the bucket changes they imply, and writes those to NATS before it commits. A caller that
 * gets a response can therefore read its change from the buckets; a bucket write that fails rolls the rows back (503).
 * Row locks taken inside serialize writers of the same rows, so their bucket writes reach NATS in commit order.
 *
 * <p>The bucket lock is a PostgreSQL advisory lock shared by every replica: writers hold it shared, a rebuild holds
 * it exclusively while it reads the rows and rewrites the buckets. Without it a rebuild could read a row, a writer
 * change it and write the bucket, and the rebuild then put back the old value (or delete a key just added). It is
 * taken by the statement that begins the transaction, so it is always the transaction's first lock, and released on
 * commit or rollback.
 */
@Singleton
public class BucketTransactions {

    /** An arbitrary number that only this service uses as advisory lock key. */
    static final long KEY = 0x5345_5054_4944L;
    private static final String BEGIN_SHARED = "BEGIN; SELECT pg_advisory_xact_lock_shared(" + KEY + ")";
    static final String BEGIN_EXCLUSIVE = "BEGIN; SELECT pg_advisory_xact_lock(" + KEY + ")";

    private final Pool pool;
    private final BucketWriter writer;

    public BucketTransactions(PlainPool pool, BucketWriter writer) {
        this.pool = pool.get();
        this.writer = writer;
    }

    /**
     * Runs {@code work} in a transaction holding the shared bucket lock; the bucket changes it collects are written,
     * in order, after it succeeds and before the commit. Any failure rolls everything back. Completes on the
     * connection's Vert.x context.
     */
    public <T> Future<T> run(BiFunction<SqlConnection, BucketChanges, Future<T>> work) {
        return pool.withConnection(connection -> {
            BucketChanges changes = new BucketChanges();
            return inTransaction(connection, BEGIN_SHARED, () -> work.apply(connection, changes).compose(done -> writer.write(changes).map(done)));
        });
    }

    /**
     * Runs {@code work} between {@code begin} (BEGIN and whatever locks the transaction starts with) and COMMIT, or
     * ROLLBACK when anything fails. {@code begin} and the work's first statement go out together (the connection
     * pipelines them): a short transaction is two round trips. That is safe because the work's statements can only run
     * inside the transaction: BEGIN fails only with the connection, and a lock that fails aborts the transaction, so the
     * work's first statement fails too.
     */
    private static <T> Future<T> inTransaction(SqlConnection connection, String begin, Supplier<Future<T>> work) {
        Future<?> begun = connection.query(begin).execute();
        Future<T> done = started(work);
        return Future.all(begun, done)
                .compose(both -> connection.query("COMMIT").execute().map(done.result()))
                .recover(failure -> connection.query("ROLLBACK").execute().transform(ignored -> Future.failedFuture(failure)));
    }

    /** The work's future, or its failure when it throws instead. */
    static <T> Future<T> started(Supplier<Future<T>> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }
}
