package io.septum.enforcer.agent.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;

import java.util.ArrayList;
import java.util.List;

/**
 * The phases of one reconciliation pass as spans. A pass may realize several changes at once; each change's
 * trace gets its own span of the phase (same times), so every trace shows the pass that realized it.
 */
public final class PassTrace {

    /** No traced change in this pass: phases record nothing. */
    static final PassTrace NONE = new PassTrace(null, null, List.of());

    private final Tracer tracer;
    private final String node;
    private final List<ChangeTracing.TracedChange> changes;

    PassTrace(Tracer tracer, String node, List<ChangeTracing.TracedChange> changes) {
        this.tracer = tracer;
        this.node = node;
        this.changes = List.copyOf(changes);
    }

    /** Starts a phase ("enforcer compute", "enforcer map write"); close it when the phase ends. */
    public Phase phase(String name) {
        List<Span> spans = new ArrayList<>(changes.size());
        for (ChangeTracing.TracedChange change : changes) {
            spans.add(tracer.spanBuilder(name).setParent(change.context()).setAttribute("septum.node", node).startSpan());
        }
        return new Phase(spans);
    }

    /** An open phase; attributes go on every trace's span of it. */
    public static final class Phase implements AutoCloseable {
        private final List<Span> spans;

        Phase(List<Span> spans) {
            this.spans = spans;
        }

        public Phase attribute(String key, long value) {
            spans.forEach(s -> s.setAttribute(key, value));
            return this;
        }

        public void failed(RuntimeException e) {
            spans.forEach(s -> {
                s.recordException(e);
                s.setStatus(StatusCode.ERROR, e.getMessage());
            });
        }

        @Override
        public void close() {
            spans.forEach(Span::end);
        }
    }
}
