package io.septum.identity.distribution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.impl.Headers;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes the buckets. A key-value write is a JetStream publish to the bucket's subject ({@code $KV.<bucket>.<key>},
 * a delete carries the {@code KV-Operation: DEL} header, exactly what jnats' KeyValue sends; when the bucket is gone
 * no stream takes the subject and the publish fails with "no responders"); the writes of one
 * change list are published back to back and their acknowledgements awaited together, so a transaction with many
 * writes costs one round trip to NATS, not one per key. One connection publishes in order and the bucket's stream
 * stores in order, so watchers see the writes of a list in the order given. Values are JSON of the septum-model
 * records.
 */
@Singleton
public class BucketWriter {

    /** A bucket's content as the rebuild found and left it. */
    public record BucketReport(String bucket, int entries, int written, int deleted) {
    }

    /** Writes awaited at once while a rebuild rewrites a bucket: bounds what is outstanding on the connection. */
    private static final int REBUILD_CHUNK = 2000;

    private final NatsConnection nats;
    private final ObjectMapper json;
    private final List<Runnable> onFailure = new CopyOnWriteArrayList<>();

    public BucketWriter(NatsConnection nats, ObjectMapper json) {
        this.nats = nats;
        this.json = json;
    }

    /** Runs after a bucket write failed (the bucket may be gone: the rebuild creates it again). */
    public void onFailure(Runnable action) {
        onFailure.add(action);
    }

    /**
     * Writes the changes, in order; fails with {@link DistributionException} naming the first write NATS refused (or did
     * not acknowledge within the request timeout). Completes on the caller's Vert.x context, if it has one.
     */
    public Future<Void> write(BucketChanges changes) {
        if (changes.isEmpty()) {
            return Future.succeededFuture();
        }
        Context context = Vertx.currentContext();
        CompletableFuture<Void> published = publish(changes.list());
        Future<Void> written = context == null ? Future.fromCompletionStage(published) : Future.fromCompletionStage(published, context);
        // the DistributionException itself, not the CompletionException the future's stage wraps it in
        return written.recover(failure -> Future.failedFuture(failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure));
    }

    /** Publishes every change and completes when all are acknowledged, or fails naming the first that was not. */
    private CompletableFuture<Void> publish(List<BucketChanges.Change> list) {
        List<CompletableFuture<PublishAck>> acks = new ArrayList<>(list.size());
        try {
            JetStream jetStream = nats.jetStream();
            for (BucketChanges.Change change : list) {
                acks.add(switch (change) {
                    case BucketChanges.Put put -> jetStream.publishAsync(subject(put), value(put));
                    case BucketChanges.Delete delete -> jetStream.publishAsync(subject(delete), deleteHeaders(), null);
                });
            }
        } catch (IOException | RuntimeException e) {
            acks.add(CompletableFuture.failedFuture(e));
        }
        long timeout = nats.requestTimeout().toMillis();
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                .orTimeout(timeout, TimeUnit.MILLISECONDS)
                .handle((done, failure) -> {
                    if (failure == null) {
                        return null;
                    }
                    onFailure.forEach(Runnable::run);
                    for (int i = 0; i < acks.size(); i++) {
                        CompletableFuture<PublishAck> ack = acks.get(i);
                        if (ack.isCompletedExceptionally() || !ack.isDone()) {
                            String what = i < list.size() ? describe(list.get(i)) : "write to the buckets";
                            Throwable cause = ack.isDone() ? ack.exceptionNow() : new TimeoutException("no acknowledgement within " + timeout + " ms");
                            throw new DistributionException(what + " on NATS " + nats.url() + ": " + message(cause), cause);
                        }
                    }
                    throw new DistributionException("write to the buckets on NATS " + nats.url() + ": " + message(failure), failure);
                });
    }

    private static String subject(BucketChanges.Change change) {
        return "$KV." + change.bucket() + "." + change.key();
    }

    /** A fresh header set per delete (jnats may add to the headers it is given). */
    private static Headers deleteHeaders() {
        return new Headers().put("KV-Operation", "DEL");
    }

    private byte[] value(BucketChanges.Put put) {
        try {
            return json.writeValueAsBytes(put.value());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("serialize " + put.bucket() + " key " + put.key() + ": " + e.getOriginalMessage(), e);
        }
    }

    private static String describe(BucketChanges.Change change) {
        return (change instanceof BucketChanges.Put ? "put " : "delete ") + change.bucket() + " key " + change.key();
    }

    private static String message(Throwable failure) {
        Throwable cause = failure instanceof CompletionException || failure instanceof ExecutionException ? failure.getCause() : failure;
        return cause == null ? String.valueOf(failure) : cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }

    /**
     * Makes each bucket hold exactly {@code desired} (bucket → key → record): creates missing buckets, puts what is
     * missing or different, deletes keys that have no record. Entries already right are left alone, so watchers see no
     * change for them. Blocks: runs on the rebuild's own thread.
     */
    public List<BucketReport> reconcile(Map<String, Map<String, Object>> desired) {
        List<BucketReport> reports = new ArrayList<>();
        for (var bucket : desired.entrySet()) {
            reports.add(reconcile(bucket.getKey(), bucket.getValue()));
        }
        return reports;
    }

    private BucketReport reconcile(String bucket, Map<String, Object> desired) {
        String operation = "rebuild bucket " + bucket + " on NATS " + nats.url();
        try {
            ensureBucket(bucket);
            Map<String, byte[]> current = readAll(nats.keyValue(bucket));
            List<BucketChanges.Change> writes = new ArrayList<>();
            for (var entry : desired.entrySet()) {
                byte[] value = json.writeValueAsBytes(entry.getValue());
                if (!Arrays.equals(current.get(entry.getKey()), value)) {
                    writes.add(new BucketChanges.Put(bucket, entry.getKey(), entry.getValue()));
                }
            }
            int written = writes.size();
            for (String key : current.keySet()) {
                if (!desired.containsKey(key)) {
                    writes.add(new BucketChanges.Delete(bucket, key));
                }
            }
            for (int from = 0; from < writes.size(); from += REBUILD_CHUNK) {
                publish(writes.subList(from, Math.min(writes.size(), from + REBUILD_CHUNK))).get();
            }
            return new BucketReport(bucket, desired.size(), written, writes.size() - written);
        } catch (IOException | JetStreamApiException e) {
            throw new DistributionException(operation + ": " + e.getMessage(), e);
        } catch (ExecutionException e) {
            throw new DistributionException(operation + ": " + message(e), e.getCause());
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
    private static Map<String, byte[]> readAll(KeyValue kv) throws IOException, JetStreamApiException, InterruptedException {
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
            if (!done.await(60, TimeUnit.SECONDS)) {
                throw new IOException("reading bucket " + kv.getBucketName() + " did not finish within 60 s");
            }
        } finally {
            watch.unsubscribe();
        }
        synchronized (values) {
            return new HashMap<>(values);
        }
    }
}
