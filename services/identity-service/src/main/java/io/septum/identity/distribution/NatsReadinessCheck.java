package io.septum.identity.distribution;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when NATS is connected and the buckets have been rebuilt from PostgreSQL since the last (re)connect. */
@Readiness
@ApplicationScoped
public class NatsReadinessCheck implements HealthCheck {

    private final NatsConnection nats;
    private final BucketRebuilder rebuilder;

    public NatsReadinessCheck(NatsConnection nats, BucketRebuilder rebuilder) {
        this.nats = nats;
        this.rebuilder = rebuilder;
    }

    @Override
    public HealthCheckResponse call() {
        var syncedAt = rebuilder.syncedAt();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("NATS buckets")
                .status(nats.isConnected() && syncedAt != null)
                .withData("url", nats.url())
                .withData("connection", nats.status().name())
                .withData("bucketsSyncedAt", syncedAt == null ? "pending" : syncedAt.toString());
        String problem = rebuilder.problem();
        if (problem != null) {
            response.withData("problem", problem);
        }
        return response.build();
    }
}
