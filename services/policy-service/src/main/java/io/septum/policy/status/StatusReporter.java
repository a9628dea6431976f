package io.septum.policy.status;

import io.septum.policy.store.PolicyRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;

/**
 * Builds {@link ClusterStatus}: two cheap look-ups (the bucket streams' last sequences from NATS, the
 * current revision from PostgreSQL) and the in-memory node reports, taken last so they are the freshest.
 */
@ApplicationScoped
public class StatusReporter {

    @Inject
    BucketTargets targets;

    @Inject
    PolicyRepository repository;

    @Inject
    NodeStatusRegistry registry;

    @Inject
    StatusConfig config;

    public Uni<ClusterStatus> current() {
        return Uni.combine().all().unis(targets.current(), repository.currentRevision()).asTuple().map(t -> {
            Instant now = Instant.now();
            return ClusterStatus.of(t.getItem1(), t.getItem2(), registry.heardSince(now.minus(config.forgetAfter())),
                    now, config.staleAfter());
        });
    }
}
