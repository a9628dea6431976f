package io.septum.identity.distribution;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Keeps a rebuild from interleaving with bucket writes, across every replica sharing the database: each
 * transaction that writes rows and buckets holds a shared PostgreSQL advisory lock, a rebuild holds it
 * exclusively while it reads the rows and rewrites the buckets. Without it a rebuild could read a row, a writer
 * change it and write the bucket, and the rebuild then put back the old value (or delete a key just added).
 * Transaction-scoped: released on commit or rollback. Must be the transaction's first lock, so lock order is fixed.
 */
@ApplicationScoped
public class BucketWriteLock {

    /** An arbitrary number that only this service uses as advisory lock key. */
    static final long KEY = 0x5345_5054_4944L;

    public Uni<Void> shared() {
        return lock("pg_advisory_xact_lock_shared");
    }

    public Uni<Void> exclusive() {
        return lock("pg_advisory_xact_lock");
    }

    private static Uni<Void> lock(String function) {
        return Panache.getSession()
                .chain(session -> session.createNativeQuery("select 1 from " + function + "(:key)", Integer.class)
                        .setParameter("key", KEY)
                        .getSingleResult())
                .replaceWithVoid();
    }
}
