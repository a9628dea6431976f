package io.septum.flows.nats;

import io.nats.client.Connection;
import io.septum.flows.cluster.ClusterView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while NATS is connected and the cluster state (names for flows) has been received once. */
@Readiness
@ApplicationScoped
public class NatsReadiness implements HealthCheck {

    @Inject
    Connection connection;

    @Inject
    NatsConfig config;

    @Inject
    ClusterView cluster;

    @Override
    public HealthCheckResponse call() {
        Connection.Status status = connection.getStatus();
        return HealthCheckResponse.named("nats")
                .status(status == Connection.Status.CONNECTED && cluster.synced())
                .withData("url", config.url())
                .withData("connection", status.name())
                .withData("clusterState", cluster.synced() ? "received" : "waiting for the identities, ipcache and policies buckets")
                .build();
    }
}
