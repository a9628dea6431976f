package io.septum.enforcer.agent.cluster;

import io.septum.model.kv.IpcacheRecord;
import io.septum.model.labels.Labels;
import io.septum.model.policy.rules.PolicyRules;

/**
 * A change seen in one of the buckets an enforcer watches, with the bucket revision that carried it.
 * The reconciler reports a bucket's revision as applied only after the change is in the BPF maps.
 */
public sealed interface ClusterEvent {

    String bucket();

    long revision();

    record IdentityUpserted(int id, Labels labels, long revision) implements ClusterEvent {
        public String bucket() {
            return io.septum.model.kv.Buckets.IDENTITIES;
        }
    }

    record IdentityRemoved(int id, long revision) implements ClusterEvent {
        public String bucket() {
            return io.septum.model.kv.Buckets.IDENTITIES;
        }
    }

    record IpcacheUpserted(IpcacheRecord record, long revision) implements ClusterEvent {
        public String bucket() {
            return io.septum.model.kv.Buckets.IPCACHE;
        }
    }

    /** {@code prefix} in text form, e.g. 10.244.0.2/32. */
    record IpcacheRemoved(String prefix, long revision) implements ClusterEvent {
        public String bucket() {
            return io.septum.model.kv.Buckets.IPCACHE;
        }
    }

    record PolicyUpserted(String key, PolicyRules rules, long revision) implements ClusterEvent {
        public String bucket() {
            return io.septum.model.kv.Buckets.POLICIES;
        }
    }

    record PolicyRemoved(String key, long revision) implements ClusterEvent {
        public String bucket() {
            return io.septum.model.kv.Buckets.POLICIES;
        }
    }

    /** A stored entry this enforcer cannot read; it keeps what it had for that key and reports the problem. */
    record Unreadable(String bucket, String key, String problem, long revision) implements ClusterEvent {
    }

    /** The watcher of {@code bucket} has delivered the bucket's whole current contents. */
    record BucketSynced(String bucket, long revision) implements ClusterEvent {
    }
}
