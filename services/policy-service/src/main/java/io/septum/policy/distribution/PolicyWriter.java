package io.septum.policy.distribution;

import io.septum.model.policy.PolicyRef;
import io.septum.policy.status.BucketTargets;
import io.septum.policy.store.ApplyOutcome;
import io.septum.policy.store.ApplyRequest;
import io.septum.policy.store.DeleteOutcome;
import io.septum.policy.store.PolicyRepository;
import io.septum.policy.store.PolicySelection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

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

    @Inject
    BucketTargets targets;

    private static final Logger LOG = Logger.getLogger(PolicyWriter.class);

    /** A dry run, or an apply that changes nothing, touches neither the bucket nor the revisions. */
    public Uni<ApplyOutcome> apply(ApplyRequest request) {
        return sequencer.run(() -> repository.apply(request).call(outcome -> !outcome.changed() || outcome.dryRun()
                ? Uni.createFrom().voidItem()
                : distributed(outcome.revision(), bucket.put(outcome.written())
                        .chain(() -> bucket.delete(outcome.pruned().stream().map(PolicyRef::key).toList())))));
    }

    public Uni<DeleteOutcome> delete(PolicySelection selection, String actor) {
        return sequencer.run(() -> repository.delete(selection, actor)
                .call(outcome -> outcome.deleted().isEmpty() ? Uni.createFrom().voidItem()
                        : distributed(outcome.revision(), bucket.delete(outcome.deleted().stream().map(PolicyRef::key).toList()))));
    }

    /**
     * The bucket update of a committed revision, then the bucket sequence that realizes it. Writes are
     * sequenced, so the stream's last sequence right after this revision's writes is this revision's.
     * Failing to record it only leaves the revision without a realized count: the write itself succeeded.
     */
    private Uni<Void> distributed(long revision, Uni<Void> bucketUpdate) {
        // Called on the write's Vert.x context; NATS answers on a worker thread, and Hibernate Reactive must
        // run on the context.
        Context context = Vertx.currentContext();
        return bucketUpdate.onFailure().transform(failure -> {
            sync.resyncLater();
            return new DistributionException(revision, failure);
        }).chain(() -> targets.current()
                .emitOn(task -> context.runOnContext(v -> task.run()))
                .chain(sequences -> repository.distributed(revision, sequences.policies()))
                .onFailure().invoke(failure -> LOG.warnf("record the bucket sequence of revision %d: %s", revision, failure))
                .onFailure().recoverWithNull());
    }
}
