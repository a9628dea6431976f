package io.septum.model.api;

import io.septum.model.policy.FieldError;

import java.util.List;

/**
 * The body of every 4xx/5xx response of every Septum REST API: the HTTP status, one message a person can
 * act on ("apply policies: spec.ingress[0].ports[1].port: must be between 1 and 65535"), and, for bad
 * input, each offending field with its path.
 */
public record ErrorResponse(int status, String message, List<FieldError> errors) {

    public ErrorResponse {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public static ErrorResponse of(int status, String message) {
        return new ErrorResponse(status, message, List.of());
    }
}
