package io.septum.policy.nats;

import io.nats.client.Connection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the service's own NATS connection is up (the status consumer reports its own check). */
@Readiness
@ApplicationScoped
public class NatsReadiness implements HealthCheck {

    @Inject
    @ServiceConnection
    Connection connection;

    @Inject
    NatsConfig config;

    @Override
    public HealthCheckResponse call() {
        Connection.Status status = connection.getStatus();
        return HealthCheckResponse.named("nats")
                .status(status == Connection.Status.CONNECTED)
                .withData("url", config.url())
                .withData("connection", status.name())
                .build();
    }
}
