package io.septum.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import io.septum.auth.testing.LocalNats;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.NodeStatus;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The tests' own view of the test NATS server (the test profile's septum.nats.url, 127.0.0.1:4223), through plain jnats as an enforcer has it:
 * read the policies bucket, publish node statuses.
 */
public final class TestNats {

    public static final String URL = ConfigProvider.getConfig().getValue("septum.nats.url", String.class); // the service's own
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Connection connection;

    private TestNats() {
    }

    public static synchronized Connection connection() {
        if (connection == null) {
            try {
                connection = Nats.connect(LocalNats.options(URL));
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("connect to test NATS " + URL + ": " + e.getMessage(), e);
            }
        }
        return connection;
    }

    public static KeyValue policies() {
        try {
            return connection().keyValue(Buckets.POLICIES);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates the policies bucket as the service does, for set-ups that run before the service. */
    public static void createPoliciesBucketIfMissing() throws IOException, JetStreamApiException {
        if (!connection().keyValueManagement().getBucketNames().contains(Buckets.POLICIES)) {
            connection().keyValueManagement().create(KeyValueConfiguration.builder()
                    .name(Buckets.POLICIES).maxHistoryPerKey(1).storageType(StorageType.File).build());
        }
    }

    /** Every live key of the policies bucket with its value as JSON. */
    public static Map<String, JsonNode> bucketContents() throws Exception {
        Map<String, JsonNode> contents = new TreeMap<>();
        KeyValue kv = policies();
        for (String key : kv.keys()) {
            KeyValueEntry entry = kv.get(key);
            if (entry != null) {
                contents.put(key, JSON.readTree(entry.getValue()));
            }
        }
        return contents;
    }

    /** The last sequence of a stream, 0 when it does not exist. */
    public static long lastSequence(String stream) throws IOException {
        try {
            return connection().jetStreamManagement().getStreamInfo(stream).getStreamState().getLastSequence();
        } catch (JetStreamApiException e) {
            return 0;
        }
    }

    /** Publishes a status as an enforcer does: plain JetStream publish of JSON, no headers. */
    public static void publishStatus(NodeStatus status) throws Exception {
        publishRaw(Buckets.STATUS_SUBJECT_PREFIX + status.node(), JSON.writeValueAsBytes(status));
    }

    public static void publishRaw(String subject, byte[] data) throws Exception {
        connection().jetStream().publish(subject, data);
    }

    public static ObjectMapper json() {
        return JSON;
    }
}
