package io.septum.policy.tracing;

import io.nats.client.impl.Headers;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.function.Function;

/**
 * The spans of a policy change inside policy-service, and the W3C trace context its bucket entries carry
 * to the enforcers. A change's steps hop between the event loop, Hibernate Reactive and the worker pool,
 * so each step is given its parent explicitly rather than found in a thread-local.
 *
 * <p>With tracing off ({@code quarkus.otel.sdk.disabled=true}) the tracer is a no-op: spans are invalid,
 * nothing is recorded and no header is written. That is this class's doing, not Quarkus': the switch turns off
 * Quarkus' own instrumentation, but the {@link Tracer} bean still comes from a working SDK (OpenTelemetry's
 * autoconfigure, told the SDK is disabled, builds one with the default tracer provider: sampler always on, no
 * exporter), so each change's spans were recorded, given a trace id (logged per revision) and a {@code traceparent}
 * header on every bucket entry to every node — exported nowhere.
 */
@ApplicationScoped
public class ChangeTracing {

    /** Span attribute: the policies of a change, as namespace/name (kind/name for cluster-wide ones). */
    public static final String POLICY = "septum.policy";
    /** Span attribute: the policy revision a change made. */
    public static final String REVISION = "septum.revision";

    private static final Tracer OFF = TracerProvider.noop().get("io.septum.policy");

    @Inject
    Tracer sdkTracer;

    @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false")
    boolean sdkDisabled;

    private Tracer tracer;

    @PostConstruct
    void choose() {
        tracer = sdkDisabled ? OFF : sdkTracer;
    }

    /**
     * Runs {@code step} inside a new span child of {@code parent}; the span ends when the step's Uni does,
     * with an error status if it fails. {@code step} gets the span's context, to parent its own steps.
     */
    public <T> Uni<T> span(String name, Context parent, Function<Context, Uni<T>> step) {
        return Uni.createFrom().deferred(() -> {
            Span span = tracer.spanBuilder(name).setParent(parent).startSpan();
            Context context = parent.with(span);
            Uni<T> started;
            try {
                started = step.apply(context);
            } catch (RuntimeException e) {
                started = Uni.createFrom().failure(e);
            }
            return started.onItemOrFailure().invoke((item, failure) -> {
                if (failure != null) {
                    span.recordException(failure);
                    span.setStatus(StatusCode.ERROR, failure.getMessage());
                }
                span.end();
            });
        });
    }

    /**
     * A producer span for one NATS publish under {@code parent}, with its {@code traceparent} written into
     * {@code headers}; none (and no header) when {@code parent} is not part of a recorded trace.
     */
    public Span publish(Context parent, String subject, Headers headers) {
        if (!Span.fromContext(parent).getSpanContext().isValid()) {
            return Span.getInvalid();
        }
        Span span = tracer.spanBuilder("policy publish").setParent(parent).setSpanKind(SpanKind.PRODUCER)
                .setAttribute("messaging.system", "nats")
                .setAttribute("messaging.destination.name", subject)
                .startSpan();
        W3CTraceContextPropagator.getInstance().inject(parent.with(span), headers, (h, key, value) -> h.put(key, value));
        return span;
    }
}
