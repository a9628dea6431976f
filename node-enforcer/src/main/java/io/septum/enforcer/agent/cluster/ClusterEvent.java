package io.septum.enforcer.agent.cluster;

import io.septum.model.kv.IpcacheRecord;
import io.septum.model.labels.Labels;
import io.septum.model.policy.PolicyRef;
import io.septum.model.policy.rules.PolicyRules;

import java.util.List;

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

    /** A policy object's rules: one element per subject, never empty, all of one ref. */
    record PolicyUpserted(String key, List<PolicyRules> rules, long revision) implements ClusterEvent {
        public PolicyUpserted {
            rules = List.copyOf(rules);
            if (rules.isEmpty()) {
                throw new IllegalArgumentException("policy " + key + ": no rules (a policy object has at least one subject)");
            }
        }

        /** A policy object with one subject. */
        public PolicyUpserted(String key, PolicyRules rules, long revision) {
            this(key, List.of(rules), revision);
        }

        public PolicyRef ref() {
            return rules.getFirst().ref();
        }

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
