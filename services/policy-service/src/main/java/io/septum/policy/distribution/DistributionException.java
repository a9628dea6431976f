package io.septum.policy.distribution;

/**
 * A write is committed to PostgreSQL as {@link #revision()} but its bucket update failed. The service
 * rebuilds the bucket from PostgreSQL until that succeeds, so the write is not lost, only late.
 */
public final class DistributionException extends RuntimeException {

    private final long revision;

    public DistributionException(long revision, Throwable cause) {
        super("revision " + revision + " is stored but not yet in bucket policies (" + cause.getMessage()
                + "); the bucket is being rebuilt from PostgreSQL", cause);
        this.revision = revision;
    }

    public long revision() {
        return revision;
    }
}
