package io.septum.policy.distribution;

import io.septum.model.policy.PolicyObject;
import io.septum.model.policy.PolicyRef;
import io.septum.policy.store.ApplyOutcome;
import io.septum.policy.store.DeleteOutcome;
import io.septum.policy.store.PolicyRepository;
import io.septum.policy.store.PolicySelection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/**
 * Every change to the policies goes through here: first the PostgreSQL transaction, then, after it
 * committed, the bucket update; the returned Uni completes when NATS has acknowledged the bucket update.
 * Writes run one at a time ({@link WriteSequencer}). When the bucket update fails, the write stays
 * committed and the bucket is rebuilt from PostgreSQL in the background ({@link BucketSync}).
 */
@ApplicationScoped
public class PolicyWriter {

    @Inject
    WriteSequencer sequencer;

    @Inject
    PolicyRepository repository;

    @Inject
    PolicyBucket bucket;

    @Inject
    BucketSync sync;

    public Uni<ApplyOutcome> apply(List<PolicyObject> objects) {
        return sequencer.run(() -> repository.apply(objects)
                .call(outcome -> distributed(outcome.revision(), bucket.put(outcome.written()))));
    }

    public Uni<DeleteOutcome> delete(PolicySelection selection) {
        return sequencer.run(() -> repository.delete(selection)
                .call(outcome -> distributed(outcome.revision(),
                        bucket.delete(outcome.deleted().stream().map(PolicyRef::key).toList()))));
    }

    private Uni<Void> distributed(long revision, Uni<Void> bucketUpdate) {
        return bucketUpdate.onFailure().transform(failure -> {
            sync.resyncLater();
            return new DistributionException(revision, failure);
        });
    }
}
