package io.septum.model.kv;

import java.util.List;

/**
 * What an enforcer reports on {@code status.<node>}, on every change and as a heartbeat: the bucket
 * revisions its BPF maps realize, its endpoints, and any problem that keeps it from enforcing exactly
 * what was asked (for example a policy map that would overflow).
 */
public record NodeStatus(String node, long timestampMillis, BucketRevisions applied, int endpoints, int endpointsReady,
                         List<String> problems) {

    public NodeStatus {
        problems = problems == null ? List.of() : List.copyOf(problems);
    }
}
