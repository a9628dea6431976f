package io.septum.bench.propagation;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.septum.auth.nats.NatsUser;
import io.septum.bench.Repo;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.NodeStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * When each node's status reports pass through NATS, as a plain subscriber of {@code status.>} sees them (the
 * JetStream publish of a report is a message on its subject): the stage between a node's maps holding a change and
 * policy-service counting it, split at the broker. Only the first report of each policies revision is kept.
 */
final class StatusArrivals implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Connection connection;
    /** node → (policies revision its report says it realized → when the report arrived, System.nanoTime). */
    private final Map<String, ConcurrentSkipListMap<Long, Long>> arrivals = new ConcurrentHashMap<>();

    private StatusArrivals(Connection connection) {
        this.connection = connection;
        Dispatcher dispatcher = connection.createDispatcher(message -> {
            long now = System.nanoTime();
            try {
                NodeStatus status = JSON.readValue(message.getData(), NodeStatus.class);
                if (status.applied() != null) {
                    arrivals.computeIfAbsent(status.node(), n -> new ConcurrentSkipListMap<>()).putIfAbsent(status.applied().policies(), now);
                }
            } catch (IOException e) {
                // Not a report this benchmark can read: it times nothing with it.
            }
        });
        dispatcher.subscribe(Buckets.STATUS_SUBJECT_PREFIX + ">");
    }

    static StatusArrivals start(String natsUrl) throws IOException, InterruptedException {
        NatsUser admin = Repo.natsAdmin();
        return new StatusArrivals(Nats.connect(new Options.Builder().server(natsUrl).connectionName("septum-bench-status-arrivals")
                .userInfo(admin.name(), admin.password()).connectionTimeout(Duration.ofSeconds(10)).build()));
    }

    /** When the first report of {@code node} realizing policies {@code revision} or a later one arrived, if one did. */
    Optional<Long> arrivedAt(String node, long revision) {
        return Optional.ofNullable(arrivals.get(node)).map(byRevision -> byRevision.ceilingEntry(revision)).map(Map.Entry::getValue);
    }

    /**
     * {@link #arrivedAt}, waiting up to {@code within} for it: policy-service may count a report before this
     * subscriber's dispatcher has taken the same message (both get it from NATS at once). The moment kept is when the
     * message arrived here, not when this returns.
     */
    Optional<Long> arrivedAt(String node, long revision, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        Optional<Long> arrived;
        while ((arrived = arrivedAt(node, revision)).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        return arrived;
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
