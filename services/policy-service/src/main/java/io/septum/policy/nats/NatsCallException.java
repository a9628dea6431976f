package io.septum.policy.nats;

/** A jnats call failed (I/O, timeout, JetStream API error); the cause says which. */
public final class NatsCallException extends RuntimeException {

    public NatsCallException(Throwable cause) {
        super(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(), cause);
    }
}
