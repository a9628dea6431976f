package io.septum.identity.distribution;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.function.Function;

/**
 * How every change reaches PostgreSQL and the buckets together: one transaction holds the shared
 * {@link BucketWriteLock}, makes its row changes, collects the bucket changes they imply, and writes those to NATS
 * before it commits (row changes flushed first, so a row PostgreSQL refuses never reaches a bucket). A caller that gets a response can therefore read its change from the buckets; a bucket write
 * that fails rolls the rows back (503). Row locks taken inside serialize writers of the same rows, so their bucket
 * writes reach NATS in commit order.
 */
@ApplicationScoped
public class BucketTransactions {

    private final BucketWriteLock lock;
    private final BucketWriter writer;

    public BucketTransactions(BucketWriteLock lock, BucketWriter writer) {
        this.lock = lock;
        this.writer = writer;
    }

    public <T> Uni<T> run(Function<BucketChanges, Uni<T>> work) {
        BucketChanges changes = new BucketChanges();
        return Panache.withTransaction(() -> lock.shared()
                .chain(() -> work.apply(changes))
                .call(Panache::flush) // constraint violations surface here, before any bucket is written
                .call(() -> writer.apply(changes)));
    }
}
