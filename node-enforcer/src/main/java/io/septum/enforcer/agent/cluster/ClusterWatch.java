package io.septum.enforcer.agent.cluster;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.IdentityRecord;
import io.septum.model.kv.IpcacheRecord;
import io.septum.model.kv.PolicyRecord;
import io.septum.model.labels.Labels;
import io.septum.model.policy.PolicyParser;
import io.septum.model.policy.PolicyValidationException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Watches the identities, ipcache and policies buckets and turns every entry into a {@link ClusterEvent}.
 * A KV watch delivers the current contents first, then each change, and resumes by itself after a
 * reconnect — so a restarted enforcer catches up without any other protocol.
 */
public final class ClusterWatch implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ClusterWatch.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Connection connection;
    private final Consumer<ClusterEvent> sink;
    private final List<AutoCloseable> watches = new ArrayList<>();

    public ClusterWatch(Connection connection, Consumer<ClusterEvent> sink) {
        this.connection = connection;
        this.sink = sink;
    }

    /** Starts the three watches, waiting for each bucket to exist (the services create them). */
    public void start() throws InterruptedException {
        for (String bucket : List.of(Buckets.IDENTITIES, Buckets.IPCACHE, Buckets.POLICIES)) {
            watches.add(watch(awaitBucket(bucket), bucket));
        }
    }

    private KeyValue awaitBucket(String bucket) throws InterruptedException {
        long warnAt = System.nanoTime();
        while (true) {
            try {
                if (connection.keyValueManagement().getBucketNames().contains(bucket)) {
                    return connection.keyValue(bucket);
                }
            } catch (IOException | JetStreamApiException e) {
                LOG.log(Level.FINE, "look up bucket " + bucket, e);
            }
            if (System.nanoTime() >= warnAt) {
                LOG.info("waiting for NATS bucket '" + bucket + "' (created by the identity and policy services)");
                warnAt = System.nanoTime() + 10_000_000_000L;
            }
            Thread.sleep(500);
        }
    }

    private AutoCloseable watch(KeyValue kv, String bucket) {
        KeyValueWatcher watcher = new KeyValueWatcher() {
            private long lastRevision;

            @Override
            public void watch(KeyValueEntry entry) {
                lastRevision = entry.getRevision();
                try {
                    sink.accept(toEvent(bucket, entry));
                } catch (RuntimeException e) {
                    LOG.log(Level.SEVERE, "handle " + bucket + " entry " + entry.getKey(), e);
                }
            }

            @Override
            public void endOfData() {
                sink.accept(new ClusterEvent.BucketSynced(bucket, lastRevision));
            }
        };
        try {
            return kv.watchAll(watcher);
        } catch (IOException | JetStreamApiException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("watch NATS bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    static ClusterEvent toEvent(String bucket, KeyValueEntry entry) {
        String key = entry.getKey();
        long revision = entry.getRevision();
        boolean removed = entry.getOperation() != KeyValueOperation.PUT;
        try {
            return switch (bucket) {
                case Buckets.IDENTITIES -> removed
                        ? new ClusterEvent.IdentityRemoved(Integer.parseInt(key), revision)
                        : identity(entry.getValue(), revision);
                case Buckets.IPCACHE -> removed
                        ? new ClusterEvent.IpcacheRemoved(key.replace('_', '/'), revision)
                        : new ClusterEvent.IpcacheUpserted(JSON.readValue(entry.getValue(), IpcacheRecord.class), revision);
                case Buckets.POLICIES -> removed
                        ? new ClusterEvent.PolicyRemoved(key, revision)
                        : policy(key, entry.getValue(), revision);
                default -> throw new IllegalArgumentException("unexpected bucket " + bucket);
            };
        } catch (IOException | RuntimeException e) {
            return new ClusterEvent.Unreadable(bucket, key, "cannot read " + bucket + " entry '" + key + "': " + e.getMessage(), revision);
        }
    }

    private static ClusterEvent identity(byte[] value, long revision) throws IOException {
        IdentityRecord record = JSON.readValue(value, IdentityRecord.class);
        return new ClusterEvent.IdentityUpserted(record.id(), Labels.parse(record.labels()), revision);
    }

    private static ClusterEvent policy(String key, byte[] value, long revision) throws IOException {
        PolicyRecord record = JSON.readValue(value, PolicyRecord.class);
        try {
            return new ClusterEvent.PolicyUpserted(key, PolicyParser.parseDocument(record.document()).toRules(), revision);
        } catch (PolicyValidationException e) {
            return new ClusterEvent.Unreadable(Buckets.POLICIES, key, "policy " + key + " is not valid for this enforcer: " + e.getMessage(), revision);
        }
    }

    @Override
    public void close() {
        for (AutoCloseable watch : watches) {
            try {
                watch.close();
            } catch (Exception e) {
                LOG.log(Level.FINE, "close watch", e);
            }
        }
        watches.clear();
    }
}
