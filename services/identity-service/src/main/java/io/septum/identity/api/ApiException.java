package io.septum.identity.api;

import io.septum.auth.rest.AccessDenied;
import io.septum.identity.distribution.DistributionException;
import io.septum.model.policy.FieldError;

import java.net.ConnectException;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A failure the API reports with an {@link io.septum.model.api.ErrorResponse}: its status, its cause and, for bad
 * input, every offending field. Thrown with the cause only ("namespace x does not exist"); {@link #in} puts the
 * operation in front ("put endpoint x/a: namespace x does not exist") where the operation is known.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final transient List<FieldError> errors;

    public ApiException(int status, String message, List<FieldError> errors) {
        super(message);
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    private ApiException(int status, String message, List<FieldError> errors, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    public static ApiException badRequest(List<FieldError> errors) {
        return new ApiException(400, errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")), errors);
    }

    public static ApiException badRequest(String path, String message) {
        return badRequest(List.of(new FieldError(0, path, message)));
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message, List.of());
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, message, List.of());
    }

    public int status() {
        return status;
    }

    public List<FieldError> errors() {
        return errors;
    }

    /**
     * Names the operation in every failure of it: an ApiException keeps its status; a bucket write NATS refused, or
     * PostgreSQL out of reach, is 503 (nothing was stored, try again); anything else 500 (cause kept for the log).
     */
    public static Function<Throwable, Throwable> in(String operation) {
        return failure -> {
            if (failure instanceof ApiException e) {
                return new ApiException(e.status, operation + ": " + e.getMessage(), e.errors, e);
            }
            if (failure instanceof AccessDenied denied) { // already audited where it was raised
                return new ApiException(403, operation + ": " + denied.getMessage(), List.of(), denied);
            }
            if (failure instanceof DistributionException) {
                return new ApiException(503, operation + ": " + failure.getMessage(), List.of(), failure);
            }
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause instanceof ConnectException) {
                    return new ApiException(503, operation + ": PostgreSQL unavailable: " + cause.getMessage(), List.of(), failure);
                }
            }
            return new ApiException(500, operation + ": internal error: " + failure, List.of(), failure);
        };
    }
}
