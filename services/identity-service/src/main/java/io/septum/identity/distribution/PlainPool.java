package io.septum.identity.distribution;

import io.vertx.sqlclient.Pool;
import jakarta.inject.Singleton;

/**
 * The service's PostgreSQL pool as the plain Vert.x client, which every statement runs on ({@link Futures}): the
 * pool behind the injected Mutiny one, taken once, so that no call goes through its client proxy.
 */
@Singleton
public class PlainPool {

    private final Pool pool;

    public PlainPool(io.vertx.mutiny.sqlclient.Pool pool) {
        this.pool = pool.getDelegate();
    }

    public Pool get() {
        return pool;
    }
}
