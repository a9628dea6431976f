package io.septum.identity.distribution;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.quarkus.runtime.Startup;
import io.septum.auth.nats.ServiceNatsOptions;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The one NATS connection of the service. It connects in the background and reconnects forever, so the service
 * starts and answers reads while NATS is away; {@link #onConnected} listeners run after every (re)connect, which
 * is when the buckets are rebuilt (a NATS server may come back with less than it had).
 */
@Startup
@Singleton
public class NatsConnection {

    private static final Logger LOG = Logger.getLogger(NatsConnection.class);

    private final NatsConfig config;
    private final List<Runnable> onConnected = new CopyOnWriteArrayList<>();
    private volatile Connection connection;
    private volatile JetStreamOf jetStream;

    private record JetStreamOf(Connection connection, JetStream jetStream) {
    }

    public NatsConnection(NatsConfig config) throws InterruptedException {
        this.config = config;
        Options options = ServiceNatsOptions.of("identity-service", config)
                .reconnectWait(Duration.ofSeconds(1))
                .connectionTimeout(Duration.ofSeconds(2))
                .connectionListener(this::connectionEvent)
                .build();
        Nats.connectAsynchronously(options, true);
    }

    private void connectionEvent(Connection conn, ConnectionListener.Events event) {
        switch (event) {
            case CONNECTED, RECONNECTED -> {
                connection = conn;
                LOG.infof("NATS %s: %s", event.getEvent(), config.url());
                onConnected.forEach(Runnable::run);
            }
            case DISCONNECTED -> LOG.warnf("NATS %s: %s (reconnecting)", event.getEvent(), config.url());
            case CLOSED -> LOG.infof("NATS %s: %s", event.getEvent(), config.url());
            default -> LOG.debugf("NATS %s", event.getEvent());
        }
    }

    public String url() {
        return config.url();
    }

    /** Runs {@code action} after every connect and reconnect (on a NATS thread: hand long work elsewhere). */
    public void onConnected(Runnable action) {
        onConnected.add(action);
    }

    public boolean isConnected() {
        Connection c = connection;
        return c != null && c.getStatus() == Connection.Status.CONNECTED;
    }

    public Connection.Status status() {
        Connection c = connection;
        return c == null ? Connection.Status.DISCONNECTED : c.getStatus();
    }

    /** The connection, once it has connected at least once. */
    public Connection connection() {
        Connection c = connection;
        if (c == null) {
            throw new DistributionException("NATS at " + config.url() + " not connected yet", null);
        }
        return c;
    }

    public KeyValue keyValue(String bucket) throws IOException {
        return connection().keyValue(bucket, KeyValueOptions.builder().jetStreamOptions(jetStreamOptions()).build());
    }

    /** The JetStream context of the connection (made once per connection: the bucket writes of every request use it). */
    public JetStream jetStream() throws IOException {
        Connection c = connection();
        JetStreamOf current = jetStream;
        if (current == null || current.connection != c) {
            current = new JetStreamOf(c, c.jetStream(jetStreamOptions()));
            jetStream = current;
        }
        return current.jetStream;
    }

    /** How long one JetStream request (a bucket write) may take. */
    public Duration requestTimeout() {
        return config.requestTimeout();
    }

    private JetStreamOptions jetStreamOptions() {
        return JetStreamOptions.builder().requestTimeout(config.requestTimeout()).build();
    }

    @PreDestroy
    void close() throws InterruptedException {
        Connection c = connection;
        if (c != null) {
            c.close();
        }
    }
}
