package io.septum.flows.nats;

import io.nats.client.Connection;
import io.septum.auth.nats.ServiceNatsOptions;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;

/**
 * The service's jnats connection: the cluster watches and the flows subscription. It reconnects forever once
 * established (the watches and the subscription resume by themselves); the first connect must succeed.
 */
public class NatsConnectionProducer {

    private static final Logger LOG = Logger.getLogger(NatsConnectionProducer.class);

    @Produces
    @Singleton
    Connection connection(NatsConfig config) throws IOException {
        return ServiceNatsOptions.connect(ServiceNatsOptions.of("flow-service", config)
                .connectionListener((connection, event) -> LOG.infof("NATS %s: %s", config.url(), event))
                .errorListener(new SlowConsumerLog())
                .build());
    }

    void close(@Disposes Connection connection) throws InterruptedException {
        connection.close();
    }

    /** Slow-consumer drops are counted by the subscription (and shown as losses); log only the first of a burst. */
    static final class SlowConsumerLog implements io.nats.client.ErrorListener {
        private volatile long lastLog;

        @Override
        public void slowConsumerDetected(Connection conn, io.nats.client.Consumer consumer) {
            long now = System.nanoTime();
            if (now - lastLog > 10_000_000_000L) {
                lastLog = now;
                LOG.warnf("flows arrive faster than they are processed: NATS drops messages (counted as losses)");
            }
        }
    }
}
