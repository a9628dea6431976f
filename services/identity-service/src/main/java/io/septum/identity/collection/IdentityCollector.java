package io.septum.identity.collection;

import io.septum.identity.allocation.IdentityConfig;
import io.septum.identity.allocation.KnownIdentities;
import io.septum.identity.distribution.BucketTransactions;
import io.septum.identity.distribution.Futures;
import io.septum.identity.distribution.PlainPool;
import io.smallrye.mutiny.Uni;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jakarta.inject.Singleton;

/**
 * Garbage collection of identities, in two steps that the database functions make safe against allocations on any
 * replica: {@link #mark} notes when an identity was first seen without endpoints (looking only at candidates, those
 * that lost an endpoint or were created or unmarked since the last pass, so its cost follows the churn), {@link #collect} deletes those marked
 * for longer than the grace period (and the memory ttl of {@link KnownIdentities}, so that no replica can still be
 * answering with them) and removes them from the identities bucket. An identity an endpoint refers to is never
 * collected: allocations lock what they are about to refer to, and the delete re-checks.
 */
@Singleton
public class IdentityCollector {

    private final Pool pool;
    private final BucketTransactions transactions;
    private final KnownIdentities known;
    private final double collectAfterSeconds;

    public IdentityCollector(PlainPool pool, BucketTransactions transactions, KnownIdentities known, IdentityConfig config) {
        this.pool = pool.get();
        this.transactions = transactions;
        this.known = known;
        this.collectAfterSeconds = config.gc().grace().plus(config.allocation().cacheTtl()).toMillis() / 1000.0;
    }

    /** What one marking transaction did: candidate entries it took (a whole batch: more may wait), identities marked. */
    public record Marking(int taken, int marked) {
    }

    /**
     * Takes up to {@code limit} candidate entries (identities that may have become unused: the V4 migration's triggers
     * note them with the change) and marks those no endpoint refers to. One statement, so one transaction; each
     * statement inside the function sees a fresh snapshot, which its locking protocol relies on.
     */
    public Uni<Marking> mark(int limit) {
        return Futures.uni(() -> pool.preparedQuery("SELECT taken, marked FROM mark_unused_candidates($1)").execute(Tuple.of(limit))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Marking(row.getInteger("taken"), row.getInteger("marked"));
                }));
    }

    /** Deletes up to {@code limit} identities unused for longer than the grace period, and their bucket keys; how many. */
    public Uni<Integer> collect(int limit) {
        return Futures.uni(() -> transactions.run((connection, changes) -> connection
                .preparedQuery("SELECT id, labels FROM collect_identities(make_interval(secs => $1), $2)")
                .execute(Tuple.of(collectAfterSeconds, limit))
                .map(rows -> {
                    for (Row row : rows) {
                        changes.deleteIdentity(row.getInteger("id"));
                    }
                    return rows;
                }))
                .map(rows -> {
                    rows.forEach(row -> known.forget(row.getString("labels")));
                    return rows.size();
                }));
    }
}
