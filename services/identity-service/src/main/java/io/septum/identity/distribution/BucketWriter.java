package io.septum.identity.distribution;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.StorageType;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Writes the buckets. jnats blocks, so every call runs on a worker thread and the result comes back on the
 * caller's Vert.x context (where its Hibernate Reactive session lives). Values are JSON of the septum-model records.
 */
@ApplicationScoped
public class BucketWriter {

    /** A bucket's content as the rebuild found and left it. */
    public record BucketReport(String bucket, int entries, int written, int deleted) {
    }

    private final NatsConnection nats;
    private final ObjectMapper json;
    private final Vertx vertx;
    private final Map<String, KeyValue> handles = new ConcurrentHashMap<>();
    private final List<Runnable> onFailure = new CopyOnWriteArrayList<>();

    public BucketWriter(NatsConnection nats, ObjectMapper json, Vertx vertx) {
        this.nats = nats;
        this.json = json;
        this.vertx = vertx;
    }

    /** Runs after a bucket write failed (the bucket may be gone: the rebuild creates it again). */
    public void onFailure(Runnable action) {
        onFailure.add(action);
    }

    /** Writes the changes, in order; fails with {@link DistributionException} at the first that NATS refuses. */
    public Uni<Void> apply(BucketChanges changes) {
        if (changes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<BucketChanges.Change> list = changes.list();
        return vertx.executeBlocking(() -> {
            for (BucketChanges.Change change : list) {
                write(change);
            }
            return null;
        }, false);
    }

    private void write(BucketChanges.Change change) {
        try {
            KeyValue kv = handle(change.bucket());
            switch (change) {
                case BucketChanges.Put put -> kv.put(put.key(), json.writeValueAsBytes(put.value()));
                case BucketChanges.Delete delete -> kv.delete(delete.key());
            }
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            handles.remove(change.bucket());
            onFailure.forEach(Runnable::run);
            String what = change instanceof BucketChanges.Put ? "put" : "delete";
            throw new DistributionException(what + " " + change.bucket() + " key " + change.key() + " on NATS "
                    + nats.url() + ": " + e.getMessage(), e);
        }
    }

    private KeyValue handle(String bucket) throws IOException {
        KeyValue kv = handles.get(bucket);
        if (kv == null) {
            kv = nats.keyValue(bucket);
            handles.put(bucket, kv);
        }
        return kv;
    }

    /**
     * Makes each bucket hold exactly {@code desired} (bucket → key → record): creates missing buckets, puts what is
     * missing or different, deletes keys that have no record. Entries already right are left alone, so watchers
     * see no change for them.
     */
    public Uni<List<BucketReport>> reconcile(Map<String, Map<String, Object>> desired) {
        return vertx.executeBlocking(() -> {
            List<BucketReport> reports = new ArrayList<>();
            for (var bucket : desired.entrySet()) {
                reports.add(reconcile(bucket.getKey(), bucket.getValue()));
            }
            return reports;
        }, false);
    }

    private BucketReport reconcile(String bucket, Map<String, Object> desired) {
        String operation = "rebuild bucket " + bucket + " on NATS " + nats.url();
        try {
            handles.remove(bucket);
            ensureBucket(bucket);
            KeyValue kv = handle(bucket);
            Map<String, byte[]> current = readAll(kv);
            int written = 0;
            for (var entry : desired.entrySet()) {
                byte[] value = json.writeValueAsBytes(entry.getValue());
                if (!Arrays.equals(current.get(entry.getKey()), value)) {
                    kv.put(entry.getKey(), value);
                    written++;
                }
            }
            int deleted = 0;
            for (String key : current.keySet()) {
                if (!desired.containsKey(key)) {
                    kv.delete(key);
                    deleted++;
                }
            }
            return new BucketReport(bucket, desired.size(), written, deleted);
        } catch (IOException | JetStreamApiException e) {
            throw new DistributionException(operation + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DistributionException(operation + ": interrupted", e);
        }
    }

    /** Creates the bucket when missing: one value per key (history 1), file storage so it survives a NATS restart. */
    private void ensureBucket(String bucket) throws IOException, JetStreamApiException {
        KeyValueManagement kvm = nats.connection().keyValueManagement();
        if (kvm.getBucketNames().contains(bucket)) {
            return;
        }
        KeyValueConfiguration config = KeyValueConfiguration.builder()
                .name(bucket)
                .maxHistoryPerKey(1)
                .storageType(StorageType.File)
                .build();
        try {
            kvm.create(config);
        } catch (JetStreamApiException e) {
            // another replica may have created it in between: only its absence is a failure
            if (!kvm.getBucketNames().contains(bucket)) {
                throw e;
            }
        }
    }

    /** The current value of every key, from one watch that ends when it has delivered the bucket's contents. */
    private Map<String, byte[]> readAll(KeyValue kv) throws IOException, JetStreamApiException, InterruptedException {
        Map<String, byte[]> values = new HashMap<>();
        CountDownLatch done = new CountDownLatch(1);
        KeyValueWatcher watcher = new KeyValueWatcher() {
            @Override
            public void watch(KeyValueEntry entry) {
                synchronized (values) {
                    values.put(entry.getKey(), entry.getValue());
                }
            }

            @Override
            public void endOfData() {
                done.countDown();
            }
        };
        var watch = kv.watchAll(watcher, KeyValueWatchOption.IGNORE_DELETE);
        try {
            if (!done.await(30, TimeUnit.SECONDS)) {
                throw new IOException("reading bucket " + kv.getBucketName() + " did not finish within 30 s");
            }
        } finally {
            watch.unsubscribe();
        }
        synchronized (values) {
            return new HashMap<>(values);
        }
    }
}
