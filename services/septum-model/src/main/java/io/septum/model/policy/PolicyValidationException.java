package io.septum.model.policy;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when input documents are malformed; lists every offending field, so one round trip shows them all. */
public final class PolicyValidationException extends Exception {

    private final transient List<FieldError> errors;

    public PolicyValidationException(List<FieldError> errors) {
        super(errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
