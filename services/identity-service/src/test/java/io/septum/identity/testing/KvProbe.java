package io.septum.identity.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.septum.auth.testing.LocalNats;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Looks at the buckets the way a node enforcer does, over a NATS connection of its own: reads keys, and watches a
 * bucket for the changes that follow.
 */
public final class KvProbe implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connection connection;

    private KvProbe(Connection connection) {
        this.connection = connection;
    }

    /** Connects to the NATS of the service under test (septum.nats.url). */
    public static KvProbe connect() {
        return connect(ConfigProvider.getConfig().getValue("septum.nats.url", String.class));
    }

    public static KvProbe connect(String url) {
        try {
            return new KvProbe(Nats.connect(LocalNats.options(url)));
        } catch (IOException e) {
            throw new IllegalStateException("connect to NATS at " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Connection connection() {
        return connection;
    }

    public KeyValue bucket(String name) {
        try {
            return connection.keyValue(name);
        } catch (IOException e) {
            throw new IllegalStateException("open bucket " + name + ": " + e, e);
        }
    }

    /** The record under {@code key}, or null when the key is absent or deleted. */
    public <T> T get(String bucket, String key, Class<T> type) {
        try {
            KeyValueEntry entry = bucket(bucket).get(key);
            return entry == null ? null : JSON.readValue(entry.getValue(), type);
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("get " + bucket + " " + key + ": " + e, e);
        }
    }

    public long lastRevision(String bucket, String key) {
        try {
            KeyValueEntry entry = bucket(bucket).get(key);
            return entry == null ? 0 : entry.getRevision();
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("get " + bucket + " " + key + ": " + e, e);
        }
    }

    public List<String> keys(String bucket) {
        try {
            return bucket(bucket).keys();
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("keys of " + bucket + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Watches the bucket from now on: only changes made after this call are seen. */
    public Watch watch(String bucket) {
        Watch watch = new Watch();
        try {
            bucket(bucket).watchAll(watch, KeyValueWatchOption.UPDATES_ONLY);
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("watch " + bucket + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return watch;
    }

    /** One change seen by a watch: a put (with its JSON value) or a delete. */
    public record Change(String key, boolean put, String json) {
        public <T> T value(Class<T> type) {
            try {
                return JSON.readValue(json, type);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public static final class Watch implements KeyValueWatcher {
        private final BlockingQueue<Change> changes = new LinkedBlockingQueue<>();

        @Override
        public void watch(KeyValueEntry entry) {
            boolean put = entry.getOperation() == KeyValueOperation.PUT;
            changes.add(new Change(entry.getKey(), put, put ? entry.getValueAsString() : null));
        }

        @Override
        public void endOfData() {
        }

        /** The next change, waiting up to five seconds. */
        public Change next() {
            try {
                Change change = changes.poll(5, TimeUnit.SECONDS);
                if (change == null) {
                    throw new AssertionError("no bucket change within 5 s");
                }
                return change;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        /** Every change that arrives within {@code quiet} of the previous one. */
        public List<Change> drain(Duration quiet) {
            List<Change> out = new ArrayList<>();
            try {
                Change change;
                while ((change = changes.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
                    out.add(change);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return out;
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
