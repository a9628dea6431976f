package io.septum.identity.distribution;

/** A bucket could not be written or read; the API reports it as 503 and the transaction that caused it rolls back. */
public final class DistributionException extends RuntimeException {

    public DistributionException(String message, Throwable cause) {
        super(message, cause);
    }
}
