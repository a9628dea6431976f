package io.septum.cli.lab;

/** A lab operation that could not be carried out; the message names the operation, the object and the cause. */
public final class LabException extends RuntimeException {

    public LabException(String message) {
        super(message);
    }

    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}
