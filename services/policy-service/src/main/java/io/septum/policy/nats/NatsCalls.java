package io.septum.policy.nats;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import java.util.concurrent.Callable;

/**
 * jnats calls block (each is a request/reply round trip): they run on the worker pool, never on the
 * event loop. The returned Uni emits on the worker thread.
 */
public final class NatsCalls {

    /** JetStream API error code of "stream not found" (also a key-value bucket that does not exist). */
    public static final int STREAM_NOT_FOUND = 10059;

    private NatsCalls() {
    }

    public static <T> Uni<T> offload(Callable<T> call) {
        return Uni.createFrom().item(() -> {
            try {
                return call.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NatsCallException(e);
            } catch (Exception e) {
                throw new NatsCallException(e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
