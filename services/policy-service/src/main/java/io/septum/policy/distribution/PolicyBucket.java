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
import io.nats.client.api.PublishAck;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

    /** How long one bucket write may wait for its acknowledgement, as jnats' default for a synchronous publish. */
    private static final Duration ACK_WAIT = Duration.ofSeconds(2);
    /** What each further entry of a batch adds to that deadline. */
    private static final Duration ACK_WAIT_PER_ENTRY = Duration.ofMillis(10);
    /** Entries sent ahead of their acknowledgements at most. */
    private static final int IN_FLIGHT = 128;

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

    /** Puts the records; answers the stream sequence of the last (0 for none). */
    public Uni<Long> put(List<PolicyRecord> records) {
        return put(records, Context.root());
    }

    /**
     * Puts the records, each entry carrying the W3C trace context of its publish under {@code trace} (none
     * when {@code trace} is not recorded). {@code KeyValue.put} cannot send headers, so this publishes what it
     * would, on the bucket's subject, with the headers added; enforcers read them from the stored message.
     */
    public Uni<Long> put(List<PolicyRecord> records, Context trace) {
        return each(records, (js, record) -> write(js, key(record), mapper.writeValueAsBytes(record), new Headers(), trace));
    }

    /** Deletes the keys; a watcher sees a delete for each. Answers the stream sequence of the last marker (0 for none). */
    public Uni<Long> delete(List<String> keys) {
        return delete(keys, Context.root());
    }

    /** Deletes the keys as {@code KeyValue.delete} does (a marker with the KV-Operation header), traced like {@link #put}. */
    public Uni<Long> delete(List<String> keys, Context trace) {
        return each(keys, (js, key) -> write(js, key, null, new Headers().put(KV_OPERATION, "DEL"), trace));
    }

    /**
     * Sends one entry without waiting for its acknowledgement; the span ends when NATS acknowledged it (or
     * refused it). A refusal completes the future exceptionally, naming the subject.
     */
    private CompletableFuture<PublishAck> write(JetStream js, String key, byte[] value, Headers headers, Context trace) {
        String subject = "$KV." + Buckets.POLICIES + "." + key;
        Span span = tracing.publish(trace, subject, headers);
        CompletableFuture<PublishAck> ack;
        try {
            ack = js.publishAsync(NatsMessage.builder().subject(subject).headers(headers).data(value).build());
        } catch (RuntimeException e) {
            ack = CompletableFuture.failedFuture(e);
        }
        return ack.handle((answer, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                span.recordException(cause);
                span.setStatus(StatusCode.ERROR, "publish " + subject + ": " + cause.getMessage());
                span.end();
                throw new CompletionException(new IOException("publish " + subject + ": " + cause.getMessage(), cause));
            }
            span.end();
            return answer;
        });
    }

    /** One bucket operation on one item: sends it, and completes when NATS acknowledged it. */
    @FunctionalInterface
    private interface Operation<T> {
        CompletableFuture<PublishAck> apply(JetStream js, T item) throws Exception;
    }

    /**
     * Sends every item's operation in order, up to {@link #IN_FLIGHT} ahead of the acknowledgements, off the event
     * loop; done when NATS acknowledged them all, with the stream sequence of the last (0 for no items). One
     * connection keeps the order, so the stream stores them as sent; waiting for each acknowledgement before the
     * next send would cost a round trip per item. The window bounds jnats' outgoing queue (5,000 messages by
     * default; a full queue refuses the publish), as a rebuild may put every stored object at once.
     */
    private <T> Uni<Long> each(List<T> items, Operation<T> operation) {
        if (items.isEmpty()) {
            return Uni.createFrom().item(0L);
        }
        return NatsCalls.offload(() -> {
            JetStream js = connection.jetStream();
            // Acknowledgements arrive at the pace NATS stores the entries: a deadline for all of them, as for one.
            long deadline = System.nanoTime() + ACK_WAIT.toNanos() + items.size() * ACK_WAIT_PER_ENTRY.toNanos();
            List<CompletableFuture<PublishAck>> acks = new ArrayList<>(items.size());
            for (T item : items) {
                if (acks.size() >= IN_FLIGHT) {
                    acknowledged(acks.get(acks.size() - IN_FLIGHT), deadline, items.size());
                }
                acks.add(operation.apply(js, item));
            }
            long sequence = 0;
            for (CompletableFuture<PublishAck> ack : acks) {
                sequence = acknowledged(ack, deadline, items.size()).getSeqno();
            }
            return sequence;
        });
    }

    /** Waits for one acknowledgement until {@code deadline} ({@link System#nanoTime()}); a refusal names its subject. */
    private static PublishAck acknowledged(CompletableFuture<PublishAck> ack, long deadline, int entries) throws Exception {
        try {
            return ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new IOException("write bucket " + Buckets.POLICIES + ": " + entries + " entries not all acknowledged within "
                    + (ACK_WAIT.toMillis() + entries * ACK_WAIT_PER_ENTRY.toMillis()) + " ms", e);
        }
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
