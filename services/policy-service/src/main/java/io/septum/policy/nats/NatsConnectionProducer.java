package io.septum.policy.nats;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.septum.auth.nats.NatsUser;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;

/**
 * The service's own jnats connection, for the policies bucket and the stream look-ups of /v1/status.
 * It reconnects forever once established; the first connect must succeed, so a service without NATS
 * does not start (it could not rebuild the bucket).
 */
public class NatsConnectionProducer {

    private static final Logger LOG = Logger.getLogger(NatsConnectionProducer.class);

    @Produces
    @Singleton
    @ServiceConnection
    Connection connection(NatsConfig config) throws IOException {
        Options.Builder options = Options.builder()
                .server(config.url())
                .connectionName("policy-service")
                .connectionTimeout(Duration.ofSeconds(5))
                .maxReconnects(-1)
                .connectionListener((connection, event) -> LOG.infof("NATS %s: %s", config.url(), event));
        // The server lets this user write only what this service owns (infra/auth.sh).
        config.user().ifPresent(user -> options.userInfo(user,
                config.password().orElseGet(() -> NatsUser.read(config.credentialsDir(), user).password())));
        try {
            return Nats.connect(options.build());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("connect to NATS " + config.url() + ": interrupted", e);
        } catch (IOException e) {
            throw new IOException("connect to NATS " + config.url() + ": " + e.getMessage(), e);
        }
    }

    void close(@Disposes @ServiceConnection Connection connection) throws InterruptedException {
        connection.close();
    }
}
