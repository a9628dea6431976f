package io.septum.flows.api;

import io.septum.model.api.ErrorResponse;
import io.septum.model.policy.FieldError;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.List;

/** A failed request as the client sees it: status, a message naming operation and cause, and the offending fields. */
public final class ApiException extends RuntimeException {

    private final int status;
    private final transient List<FieldError> errors;

    public ApiException(int status, String message, List<FieldError> errors) {
        super(message);
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    public int status() {
        return status;
    }

    public RestResponse<ErrorResponse> response() {
        return RestResponse.ResponseBuilder.<ErrorResponse>create(status)
                .entity(new ErrorResponse(status, getMessage(), errors)).type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
