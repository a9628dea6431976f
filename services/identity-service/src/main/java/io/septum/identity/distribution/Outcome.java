package io.septum.identity.distribution;

import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Told the outcome of one request answered from a shared transaction (an allocation, an endpoint write): its value, or
 * the failure (or refusal) that answers it. Called on the thread that ends the transaction: no reactive pipeline, and
 * its context capture, per request.
 */
@FunctionalInterface
public interface Outcome<T> {

    void answer(T value, Throwable failure);

    /** A Uni of the outcome of what {@code start} starts (for callers that want one, such as JAX-RS methods). */
    static <T> Uni<T> uni(Consumer<Outcome<T>> start) {
        return Uni.createFrom().emitter(emitter -> start.accept((value, failure) -> {
            if (failure != null) {
                emitter.fail(failure);
            } else {
                emitter.complete(value);
            }
        }));
    }

    /**
     * Answers one request of a batch: whatever its callback throws is logged (naming {@code what} was answered) and
     * must not keep the batch's other requests from their answers.
     */
    static <T> void tell(Outcome<T> outcome, T value, Throwable failure, Supplier<String> what) {
        try {
            outcome.answer(value, failure);
        } catch (RuntimeException e) {
            // looked up here, not kept in a field: an interface's fields are public
            Logger.getLogger(Outcome.class).error("answer " + what.get() + ": " + e, e);
        }
    }
}
