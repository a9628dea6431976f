package io.septum.policy.distribution;

import io.opentelemetry.api.trace.Span;
import io.septum.model.policy.PolicyRef;
import io.septum.policy.store.ApplyOutcome;
import io.septum.policy.store.ApplyRequest;
import io.septum.policy.store.DeleteOutcome;
import io.septum.policy.store.PolicyRepository;
import io.septum.policy.store.PolicySelection;
import io.septum.policy.tracing.ChangeTracing;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.stream.Collectors;

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
    ChangeTracing tracing;

    private static final Logger LOG = Logger.getLogger(PolicyWriter.class);

    /**
     * A dry run, or an apply that changes nothing, touches neither the bucket nor the revisions. Traced as
     * "policy apply" (under the request's span) with "policy store" (the transaction) and "policy distribute"
     * (the bucket writes, whose entries carry the trace on to the enforcers).
     */
    public Uni<ApplyOutcome> apply(ApplyRequest request) {
        return tracing.span("policy apply", io.opentelemetry.context.Context.current(), trace -> sequencer.run(() -> tracing.span("policy store", trace,
                        store -> repository.apply(request))
                .call(outcome -> {
                    describe(trace, outcome.revision(), outcome.results().stream().map(ApplyOutcome.ObjectResult::ref).toList());
                    return !outcome.changed() || outcome.dryRun()
                            ? Uni.createFrom().voidItem()
                            : distributed(outcome.revision(), tracing.span("policy distribute", trace, publish -> bucket.put(outcome.written(), publish)
                                    .chain(put -> bucket.delete(outcome.pruned().stream().map(PolicyRef::key).toList(), publish)
                                            .map(delete -> Math.max(put, delete)))));
                })));
    }

    public Uni<DeleteOutcome> delete(PolicySelection selection, String actor) {
        return tracing.span("policy delete", io.opentelemetry.context.Context.current(), trace -> sequencer.run(() -> tracing.span("policy store", trace,
                        store -> repository.delete(selection, actor))
                .call(outcome -> {
                    describe(trace, outcome.revision(), outcome.deleted());
                    return outcome.deleted().isEmpty() ? Uni.createFrom().voidItem()
                            : distributed(outcome.revision(), tracing.span("policy distribute", trace,
                                    publish -> bucket.delete(outcome.deleted().stream().map(PolicyRef::key).toList(), publish)));
                })));
    }

    /** The revision and the policies on the change's span, so a trace can be found by either (and logged with its id). */
    private static void describe(io.opentelemetry.context.Context trace, long revision, List<PolicyRef> policies) {
        Span span = Span.fromContext(trace);
        if (!span.getSpanContext().isValid()) {
            return;
        }
        String names = policies.stream().map(PolicyWriter::name).collect(Collectors.joining(","));
        span.setAttribute(ChangeTracing.REVISION, revision);
        span.setAttribute(ChangeTracing.POLICY, names);
        LOG.infof("revision %d (%s): trace %s", revision, names, span.getSpanContext().getTraceId());
    }

    private static String name(PolicyRef ref) {
        return ref.namespace().isEmpty() ? ref.name() : ref.namespace() + "/" + ref.name();
    }

    /**
     * The bucket update of a committed revision, then the bucket sequence that realizes it: the stream
     * sequence NATS acknowledged for the revision's last entry. Writes are sequenced, so it is the stream's
     * last sequence right after this revision's writes. Failing to record it only leaves the revision without
     * a realized count: the write itself succeeded.
     */
    private Uni<Void> distributed(long revision, Uni<Long> bucketUpdate) {
        // Called on the write's Vert.x context; NATS answers on a worker thread: back to the context, where the
        // request and the writes that follow run.
        Context context = Vertx.currentContext();
        return bucketUpdate.onFailure().transform(failure -> {
            sync.resyncLater();
            return new DistributionException(revision, failure);
        }).emitOn(task -> context.runOnContext(v -> task.run()))
                .chain(sequence -> repository.distributed(revision, sequence)
                        .onFailure().invoke(failure -> LOG.warnf("record the bucket sequence of revision %d: %s", revision, failure))
                        .onFailure().recoverWithNull());
    }
}
