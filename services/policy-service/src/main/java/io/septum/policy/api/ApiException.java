package io.septum.policy.api;

import io.septum.auth.rest.AccessDenied;
import io.septum.model.api.ErrorResponse;
import io.septum.model.policy.FieldError;
import io.septum.policy.distribution.DistributionException;
import io.septum.policy.nats.NatsCallException;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.ConnectException;
import java.util.List;
import java.util.function.Function;

/**
 * A failed request, as the client sees it: status, a message naming operation, object and cause
 * ("delete policy prod/backend-access: not found"), and the offending fields of bad input.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final transient List<FieldError> errors;

    public ApiException(int status, String message, List<FieldError> errors) {
        super(message);
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    public ApiException(int status, String message) {
        this(status, message, List.of());
    }

    /** A server-side failure; the cause is logged, not sent. */
    private ApiException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errors = List.of();
    }

    public static ApiException notFound(String operation) {
        return new ApiException(404, operation + ": not found");
    }

    /** For {@code onFailure().transform(...)}: every failure of {@code operation} as {@link #of} makes it. */
    public static Function<Throwable, Throwable> in(String operation) {
        return failure -> of(operation, failure);
    }

    /**
     * The failure of {@code operation} as the client should see it: an ApiException (which already names
     * its operation) as it is; NATS or PostgreSQL out of reach, or a write stored but not yet distributed,
     * 503; anything else 500.
     */
    public static ApiException of(String operation, Throwable failure) {
        if (failure instanceof ApiException api) {
            return api;
        }
        if (failure instanceof AccessDenied denied) { // already audited where it was raised
            return new ApiException(403, operation + ": " + denied.getMessage());
        }
        if (failure instanceof DistributionException) {
            return new ApiException(503, operation + ": " + failure.getMessage(), failure);
        }
        if (failure instanceof NatsCallException) {
            return new ApiException(503, operation + ": NATS unavailable: " + failure.getMessage(), failure);
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException) {
                return new ApiException(503, operation + ": PostgreSQL unavailable: " + cause.getMessage(), failure);
            }
        }
        return new ApiException(500, operation + ": internal error: " + failure, failure);
    }

    public int status() {
        return status;
    }

    public ErrorResponse body() {
        return new ErrorResponse(status, getMessage(), errors);
    }

    public RestResponse<ErrorResponse> response() {
        return RestResponse.ResponseBuilder.<ErrorResponse>create(status)
                .entity(body())
                .type(MediaType.APPLICATION_JSON_TYPE)
                .build();
    }
}
