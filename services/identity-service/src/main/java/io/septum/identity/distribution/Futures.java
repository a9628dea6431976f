package io.septum.identity.distribution;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The service's statements run on the plain Vert.x SQL client, in futures: no Mutiny pipeline, and the context capture
 * of each of its operators, per statement. A Uni is made only where a caller wants one (JAX-RS methods, the collection
 * passes), at the edge; a thread of its own (start-up, the bucket rebuild) waits for a future with {@link #await}.
 */
public final class Futures {

    private Futures() {
    }

    /** A Uni that starts {@code start} when subscribed to, and ends as its future does. */
    public static <T> Uni<T> uni(Supplier<Future<T>> start) {
        return Uni.createFrom().deferred(() -> UniHelper.toUni(start.get()));
    }

    /**
     * Waits for {@code future} (never on an event loop) at most {@code timeout}; its failure, or the timeout, is thrown
     * naming {@code operation}.
     */
    public static <T> T await(Future<T> future, Duration timeout, String operation) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(operation + ": " + cause, cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException(operation + ": no answer within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(operation + ": interrupted", e);
        }
    }
}
