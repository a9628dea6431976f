package io.septum.model.flows;

import java.time.Instant;
import java.util.Optional;

/**
 * A validated flow query: flows that match {@code include}, do not match {@code exclude} (when it has any filter),
 * and lie in [since, until]; of those, the {@code last} most recent (0: all).
 */
public record FlowQuery(FlowFilter include, FlowFilter exclude, Optional<Instant> since, Optional<Instant> until, int last) {

    public static final FlowQuery ALL = new FlowQuery(FlowFilter.EMPTY, FlowFilter.EMPTY, Optional.empty(), Optional.empty(), 0);

    /** Whether a flow at {@code timeNanos} (ns since the epoch) passes every filter. */
    public boolean matches(long timeNanos, Flow flow) {
        if (since.isPresent() && timeNanos < nanos(since.get())) {
            return false;
        }
        if (until.isPresent() && timeNanos > nanos(until.get())) {
            return false;
        }
        return include.matches(flow) && (exclude.isEmpty() || !exclude.matches(flow));
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
