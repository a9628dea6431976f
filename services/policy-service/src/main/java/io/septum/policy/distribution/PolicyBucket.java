package io.septum.policy.distribution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.StorageType;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import io.nats.client.impl.NatsMessage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.PolicyRecord;
import io.septum.model.policy.PolicyRef;
import io.septum.policy.nats.NatsCalls;
import io.septum.policy.nats.ServiceConnection;
import io.septum.policy.tracing.ChangeTracing;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The NATS key-value bucket "policies": key {@link PolicyRef#key()}, value a {@link PolicyRecord} as JSON.
 * Only policy-service writes it. Every operation returns once NATS has acknowledged it, and runs off
 * the event loop.
 */
@ApplicationScoped
public class PolicyBucket {

    @Inject
    @ServiceConnection
    Connection connection;

    @Inject
    ObjectMapper mapper;

    @Inject
    ChangeTracing tracing;

    /** The header that marks a bucket entry as a delete (jnats' KeyValue.delete writes the same). */
    private static final String KV_OPERATION = "KV-Operation";

    /** Creates the bucket when it does not exist: one value per key (history 1), file storage. */
    public Uni<Void> createIfMissing() {
        return NatsCalls.offload(() -> {
            KeyValueManagement management = connection.keyValueManagement();
            try {
                management.getStatus(Buckets.POLICIES);
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != NatsCalls.STREAM_NOT_FOUND) {
                    throw e;
                }
                management.create(KeyValueConfiguration.builder()
                        .name(Buckets.POLICIES)
                        .maxHistoryPerKey(1)
                        .storageType(StorageType.File)
                        .build());
            }
            return null;
        });
    }

    public Uni<Void> put(List<PolicyRecord> records) {
        return put(records, Context.root());
    }

    /**
     * Puts the records, each entry carrying the W3C trace context of its publish under {@code trace} (none
     * when {@code trace} is not recorded). {@code KeyValue.put} cannot send headers, so this publishes what it
     * would, on the bucket's subject, with the headers added; enforcers read them from the stored message.
     */
    public Uni<Void> put(List<PolicyRecord> records, Context trace) {
        return each(records, (js, record) -> write(js, key(record), mapper.writeValueAsBytes(record), new Headers(), trace));
    }

    /** Deletes the keys; a watcher sees a delete for each. */
    public Uni<Void> delete(List<String> keys) {
        return delete(keys, Context.root());
    }

    /** Deletes the keys as {@code KeyValue.delete} does (a marker with the KV-Operation header), traced like {@link #put}. */
    public Uni<Void> delete(List<String> keys, Context trace) {
        return each(keys, (js, key) -> write(js, key, null, new Headers().put(KV_OPERATION, "DEL"), trace));
    }

    private void write(JetStream js, String key, byte[] value, Headers headers, Context trace) throws Exception {
        String subject = "$KV." + Buckets.POLICIES + "." + key;
        Span span = tracing.publish(trace, subject, headers);
        try {
            js.publish(NatsMessage.builder().subject(subject).headers(headers).data(value).build());
        } catch (Exception e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, "publish " + subject + ": " + e.getMessage());
            throw e;
        } finally {
            span.end();
        }
    }

    /** One bucket operation on one item; jnats operations throw checked exceptions. */
    @FunctionalInterface
    private interface Operation<T> {
        void apply(JetStream js, T item) throws Exception;
    }

    /** Applies the operation to each item in order, off the event loop; done when NATS acknowledged the last. */
    private <T> Uni<Void> each(List<T> items, Operation<T> operation) {
        if (items.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return NatsCalls.offload(() -> {
            JetStream js = connection.jetStream();
            for (T item : items) {
                operation.apply(js, item);
            }
            return null;
        });
    }

    /** Every live entry (deleted keys left out), as parsed JSON: what a new watcher would get. */
    public Uni<Map<String, JsonNode>> contents() {
        return NatsCalls.offload(() -> {
            Map<String, JsonNode> entries = new ConcurrentHashMap<>();
            CountDownLatch endOfData = new CountDownLatch(1);
            KeyValueWatcher watcher = new KeyValueWatcher() {
                @Override
                public void watch(KeyValueEntry entry) {
                    entries.put(entry.getKey(), parse(entry));
                }

                @Override
                public void endOfData() {
                    endOfData.countDown();
                }
            };
            NatsKeyValueWatchSubscription subscription = keyValue().watchAll(watcher, KeyValueWatchOption.IGNORE_DELETE);
            try {
                if (!endOfData.await(30, TimeUnit.SECONDS)) {
                    throw new IOException("read bucket " + Buckets.POLICIES + ": no end of data within 30 s");
                }
            } finally {
                subscription.unsubscribe();
            }
            return Map.copyOf(entries);
        });
    }

    public static String key(PolicyRecord record) {
        return new PolicyRef(record.kind(), record.namespace(), record.name()).key();
    }

    /**
     * The JSON tree of a record exactly as {@link #contents()} reports a stored one (serialized and read
     * back, so numbers have the same node types), for comparing a wanted value with the present one.
     */
    public JsonNode tree(PolicyRecord record) {
        try {
            return mapper.readTree(mapper.writeValueAsBytes(record));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private KeyValue keyValue() throws IOException {
        return connection.keyValue(Buckets.POLICIES);
    }

    private JsonNode parse(KeyValueEntry entry) {
        try {
            return mapper.readTree(entry.getValue());
        } catch (JsonProcessingException e) {
            // Not written by this service: it differs from every wanted value, so a rebuild replaces it.
            return mapper.getNodeFactory().textNode("unreadable: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
