package io.septum.policy.distribution;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs policy writes one at a time, in the order they arrive. A write is its transaction plus its bucket
 * updates; the next write starts only when the previous one has finished both, so the bucket can never
 * go back to an older revision of a key, and revisions commit in the order they were numbered.
 *
 * <p>A write, once started, always runs to its end: a caller that goes away (client disconnect) does not
 * cancel it, so the order holds. Must be called on a Vert.x duplicated context (a request, or
 * {@code VertxContextSupport}); the write runs on that context, as Hibernate Reactive requires.
 */
@ApplicationScoped
public class WriteSequencer {

    private final AtomicReference<CompletableFuture<Void>> last = new AtomicReference<>(CompletableFuture.completedFuture(null));

    public <T> Uni<T> run(Supplier<Uni<T>> write) {
        Context context = Vertx.currentContext();
        if (context == null) {
            return Uni.createFrom().failure(new IllegalStateException("policy writes must start on a Vert.x context"));
        }
        CompletableFuture<Void> finished = new CompletableFuture<>();
        CompletableFuture<Void> previous = last.getAndSet(finished);
        CompletableFuture<T> result = new CompletableFuture<>();
        previous.whenComplete((ignored, failure) -> context.runOnContext(v -> {
            Uni<T> started;
            try {
                started = write.get();
            } catch (RuntimeException e) {
                started = Uni.createFrom().failure(e);
            }
            started.subscribe().with(
                    item -> {
                        finished.complete(null);
                        result.complete(item);
                    },
                    error -> {
                        finished.complete(null);
                        result.completeExceptionally(error);
                    });
        }));
        return Uni.createFrom().completionStage(result);
    }
}
