package io.septum.enforcer.agent.tracing;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.Headers;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.zipkin.ZipkinSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.septum.enforcer.agent.cluster.ClusterEvent;
import io.septum.model.kv.Buckets;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Continues the trace of a policy change in the enforcer: policy-service publishes each policies-bucket entry
 * with a W3C {@code traceparent} header; this reads it back and starts "enforcer receive", under which the
 * reconciler's pass that realizes the change records "enforcer compute" and "enforcer map write".
 *
 * <p>jnats' key-value watcher does not hand over a entry's headers, so the header is read from the stored
 * stream message of that entry (its revision is its stream sequence): one extra request per policy change,
 * made only with tracing on. If a newer write to the key has already replaced it (history 1), that change
 * is not traced. Off (the default), {@link #received} returns at once and nothing else runs.
 */
public final class ChangeTracing implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChangeTracing.class.getName());
    private static final ChangeTracing OFF = new ChangeTracing(OpenTelemetry.noop(), null, null, false);

    private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Headers carrier, String key) {
            return carrier == null ? null : carrier.getFirst(key);
        }
    };

    private final OpenTelemetry telemetry;
    private final Tracer tracer;
    private final Connection nats;
    private final String node;
    private final boolean on;
    /** Buckets whose watch has delivered its start-up contents: only changes after that are traced. */
    private final Set<String> synced = ConcurrentHashMap.newKeySet();

    private ChangeTracing(OpenTelemetry telemetry, Connection nats, String node, boolean on) {
        this.telemetry = telemetry;
        this.tracer = telemetry.getTracer("io.septum.enforcer");
        this.nats = nats;
        this.node = node;
        this.on = on;
    }

    public static ChangeTracing off() {
        return OFF;
    }

    /** Traces exported in Zipkin v2 JSON to {@code zipkinEndpoint} (e.g. http://127.0.0.1:9411/api/v2/spans). */
    public static ChangeTracing zipkin(String zipkinEndpoint, Connection nats, String node) {
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.builder()
                .put("service.name", "node-enforcer").put("septum.node", node).build()));
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(resource)
                .addSpanProcessor(BatchSpanProcessor.builder(ZipkinSpanExporter.builder().setEndpoint(zipkinEndpoint).build()).build())
                .build();
        return new ChangeTracing(OpenTelemetrySdk.builder().setTracerProvider(provider).build(), nats, node, true);
    }

    /**
     * Called on the watch's thread for every bucket event before it is submitted: the received change's trace,
     * if the event is a policy change that carries one.
     */
    public Optional<TracedChange> received(ClusterEvent event) {
        if (!on) {
            return Optional.empty();
        }
        if (event instanceof ClusterEvent.BucketSynced synced) {
            this.synced.add(synced.bucket());
            return Optional.empty();
        }
        if (!Buckets.POLICIES.equals(event.bucket()) || !synced.contains(Buckets.POLICIES)) {
            return Optional.empty();
        }
        Context parent = parent(event.revision());
        if (!Span.fromContext(parent).getSpanContext().isValid()) {
            return Optional.empty();
        }
        String key = switch (event) {
            case ClusterEvent.PolicyUpserted e -> e.key();
            case ClusterEvent.PolicyRemoved e -> e.key();
            case ClusterEvent.Unreadable e -> e.key();
            default -> "";
        };
        Span span = tracer.spanBuilder("enforcer receive").setParent(parent).setSpanKind(SpanKind.CONSUMER)
                .setAttribute("septum.node", node)
                .setAttribute("septum.policy.key", key)
                .setAttribute("septum.bucket.revision", event.revision())
                .setAttribute("messaging.system", "nats")
                .setAttribute("messaging.destination.name", "$KV." + Buckets.POLICIES + "." + key)
                .startSpan();
        span.end();
        return Optional.of(new TracedChange(parent.with(span)));
    }

    /** The trace context in the headers of the policies stream's message {@code sequence}, or the root context. */
    private Context parent(long sequence) {
        try {
            MessageInfo message = nats.jetStreamManagement().getMessage("KV_" + Buckets.POLICIES, sequence);
            if (message.getHeaders() == null) {
                return Context.root();
            }
            return W3CTraceContextPropagator.getInstance().extract(Context.root(), message.getHeaders(), HEADERS);
        } catch (IOException | JetStreamApiException e) {
            // Replaced by a newer write already, or NATS unreachable: the change is enforced all the same.
            LOG.log(Level.FINE, "read the trace context of policies entry " + sequence, e);
            return Context.root();
        }
    }

    /** The spans of one reconciliation pass, in the trace of every change it realizes. */
    public PassTrace pass(List<TracedChange> changes) {
        return changes.isEmpty() ? PassTrace.NONE : new PassTrace(tracer, node, changes);
    }

    /** The trace a received change belongs to; opaque to the reconciler. */
    public record TracedChange(Context context) {
    }

    @Override
    public void close() {
        if (telemetry instanceof OpenTelemetrySdk sdk) {
            sdk.close(); // flushes the spans not yet exported
        }
    }
}
