package io.septum.policy.nats;

import io.nats.client.Connection;
import io.septum.auth.nats.ServiceNatsOptions;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;

/**
 * The service's own jnats connection, for the policies bucket, the stream look-ups of /v1/status and the status reports.
 * It reconnects forever once established; the first connect must succeed, so a service without NATS
 * does not start (it could not rebuild the bucket).
 */
public class NatsConnectionProducer {

    private static final Logger LOG = Logger.getLogger(NatsConnectionProducer.class);

    @Produces
    @Singleton
    @ServiceConnection
    Connection connection(NatsConfig config) throws IOException {
        return ServiceNatsOptions.connect(ServiceNatsOptions.of("policy-service", config)
                .connectionListener((connection, event) -> LOG.infof("NATS %s: %s", config.url(), event))
                .build());
    }

    void close(@Disposes @ServiceConnection Connection connection) throws InterruptedException {
        connection.close();
    }
}
