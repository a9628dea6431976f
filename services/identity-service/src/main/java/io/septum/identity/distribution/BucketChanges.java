package io.septum.identity.distribution;

import io.septum.model.kv.Buckets;
import io.septum.model.kv.IdentityRecord;
import io.septum.model.kv.IpcacheRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * The bucket writes one transaction owes the watchers, in the order they must be seen: an identity before the
 * ipcache entry that uses it. Collected while the transaction runs, written by {@link BucketWriter#apply} before it
 * commits.
 */
public final class BucketChanges {

    public sealed interface Change {
        String bucket();

        String key();
    }

    public record Put(String bucket, String key, Object value) implements Change {
    }

    public record Delete(String bucket, String key) implements Change {
    }

    private final List<Change> changes = new ArrayList<>();

    public BucketChanges putIdentity(IdentityRecord identity) {
        changes.add(new Put(Buckets.IDENTITIES, IdentityRecord.key(identity.id()), identity));
        return this;
    }

    public BucketChanges deleteIdentity(int id) {
        changes.add(new Delete(Buckets.IDENTITIES, IdentityRecord.key(id)));
        return this;
    }

    public BucketChanges putIpcache(IpcacheRecord entry) {
        changes.add(new Put(Buckets.IPCACHE, IpcacheRecord.key(entry.prefix()), entry));
        return this;
    }

    public BucketChanges deleteIpcache(String prefix) {
        changes.add(new Delete(Buckets.IPCACHE, IpcacheRecord.key(prefix)));
        return this;
    }

    /** Adds the changes of another list after these (a write of a shared transaction, once it succeeded). */
    public BucketChanges addAll(BucketChanges other) {
        changes.addAll(other.changes);
        return this;
    }

    public List<Change> list() {
        return List.copyOf(changes);
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }
}
