package io.septum.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import io.septum.auth.testing.LocalNats;
import io.septum.model.flows.FlowBatch;
import io.septum.model.flows.FlowRecord;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.IdentityRecord;
import io.septum.model.kv.IpcacheRecord;
import io.septum.model.kv.PolicyRecord;
import io.septum.model.policy.PolicyObject;
import io.septum.model.policy.PolicyParser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * A small cluster written into the test NATS (the test profile's septum.nats.url, 127.0.0.1:4223) as identity-service and policy-service write it,
 * and flow batches published as an enforcer publishes them. Keys are test-only (identities 990001.., addresses
 * 10.99.0.x, namespace flowtest) and are deleted again by {@link #close()}.
 */
final class TestCluster implements AutoCloseable {

    static final String URL = ConfigProvider.getConfig().getValue("septum.nats.url", String.class); // the service's own
    static final ObjectMapper JSON = new ObjectMapper();

    private final Connection connection;
    private final List<String[]> written = new ArrayList<>();

    TestCluster() throws Exception {
        connection = Nats.connect(LocalNats.options(URL));
        for (String bucket : List.of(Buckets.IDENTITIES, Buckets.IPCACHE, Buckets.POLICIES)) {
            if (!connection.keyValueManagement().getBucketNames().contains(bucket)) {
                connection.keyValueManagement().create(KeyValueConfiguration.builder().name(bucket).maxHistoryPerKey(1)
                        .storageType(StorageType.File).build());
            }
        }
    }

    void identity(int id, String... labels) throws Exception {
        put(Buckets.IDENTITIES, IdentityRecord.key(id), JSON.writeValueAsBytes(new IdentityRecord(id, List.of(labels))));
    }

    void pod(String ip, int identity, String node, String namespace, String pod) throws Exception {
        put(Buckets.IPCACHE, IpcacheRecord.key(ip + "/32"),
                JSON.writeValueAsBytes(new IpcacheRecord(ip + "/32", identity, node, namespace, pod, List.of())));
    }

    PolicyObject policy(String yaml) throws Exception {
        PolicyObject object = PolicyParser.parse(yaml, "flowtest").getFirst();
        JsonNode document = object.document();
        put(Buckets.POLICIES, object.ref().key(), JSON.writeValueAsBytes(new PolicyRecord(object.ref().kind(),
                object.ref().namespace(), object.ref().name(), 1, document)));
        return object;
    }

    void publish(FlowBatch batch) {
        connection.publish(Buckets.FLOWS_SUBJECT_PREFIX + batch.node(), batch.encode());
    }

    void publishRaw(String node, byte[] data) {
        connection.publish(Buckets.FLOWS_SUBJECT_PREFIX + node, data);
    }

    private void put(String bucket, String key, byte[] value) throws Exception {
        KeyValue kv = connection.keyValue(bucket);
        kv.put(key, value);
        written.add(new String[] {bucket, key});
    }

    static int address(String ip) {
        return io.septum.model.net.Ipv4Cidr.parseAddress(ip);
    }

    /** A record as the datapath writes it: verdict, reason, direction codes of bpf-src. */
    static FlowRecord record(long monotonicNanos, String from, int fromIdentity, int sport, String to, int toIdentity, int dport,
            int protocol, int verdict, int reason, int direction, int tcpFlags, int rule) {
        return new FlowRecord(monotonicNanos, 1, 2, fromIdentity, toIdentity, address(from), address(to), sport, dport, protocol,
                verdict, reason, direction, tcpFlags, false, rule, 74);
    }

    @Override
    public void close() throws IOException, JetStreamApiException {
        for (String[] w : written) {
            connection.keyValue(w[0]).delete(w[1]);
        }
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the entries are deleted; the connection ends with the JVM
        }
    }
}
