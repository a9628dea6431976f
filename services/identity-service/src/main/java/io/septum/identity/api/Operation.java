package io.septum.identity.api;

import io.smallrye.mutiny.Uni;

import java.util.function.Supplier;

/** One API operation: whatever fails in it, thrown or emitted, is reported under its name. */
public final class Operation {

    private Operation() {
    }

    /** Runs {@code work} (validation included) with every failure named after {@code operation} ("put endpoint x/a"). */
    public static <T> Uni<T> run(String operation, Supplier<Uni<T>> work) {
        return Uni.createFrom().<T>deferred(work::get).onFailure().transform(ApiException.in(operation));
    }

    /** As {@link #run}, and a null result is 404 "{@code what} does not exist". */
    public static <T> Uni<T> find(String operation, String what, Supplier<Uni<T>> work) {
        return run(operation, () -> work.get().onItem().ifNull().failWith(() -> ApiException.notFound(what + " does not exist")));
    }
}
