package io.septum.model.flows;

import io.septum.model.policy.FieldError;

import java.util.List;
import java.util.stream.Collectors;

/** A flow query that cannot run: every offending filter, by name, with why. */
public final class FlowQueryException extends Exception {

    private final transient List<FieldError> errors;

    public FlowQueryException(List<FieldError> errors) {
        super(errors.stream().map(e -> e.path() + ": " + e.message()).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
