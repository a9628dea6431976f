package io.septum.auth.rest;

/**
 * A refused operation (403). The message says which rule refused it — role missing, namespace not granted,
 * node mismatch — and nothing about the caller's other grants.
 */
public final class AccessDenied extends RuntimeException {

    public enum Reason {
        ROLE_MISSING("role missing"),
        NAMESPACE_NOT_GRANTED("namespace not granted"),
        NODE_MISMATCH("node mismatch");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private final Reason reason;

    public AccessDenied(Reason reason, String detail) {
        super(reason.text() + ": " + detail);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
