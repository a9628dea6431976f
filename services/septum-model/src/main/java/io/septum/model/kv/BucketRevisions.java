package io.septum.model.kv;

/**
 * The last revision (JetStream stream sequence) seen of each bucket. For an enforcer: everything up to
 * these revisions is written to its BPF maps. For the cluster: the latest write to each bucket.
 */
public record BucketRevisions(long policies, long identities, long ipcache) {

    public static final BucketRevisions NONE = new BucketRevisions(0, 0, 0);

    /** True when every revision here is at least the one in {@code target}. */
    public boolean covers(BucketRevisions target) {
        return policies >= target.policies && identities >= target.identities && ipcache >= target.ipcache;
    }
}
