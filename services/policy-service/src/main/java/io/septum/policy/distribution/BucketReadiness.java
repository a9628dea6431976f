package io.septum.policy.distribution;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready while the bucket misses a committed write (it is being rebuilt). */
@Readiness
@ApplicationScoped
public class BucketReadiness implements HealthCheck {

    @Inject
    BucketSync sync;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("policies-bucket").status(sync.inSync()).build();
    }
}
