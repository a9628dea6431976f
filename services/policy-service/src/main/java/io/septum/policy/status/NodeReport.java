package io.septum.policy.status;

import io.septum.model.kv.BucketRevisions;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** One node as /v1/status reports it. realized = not stale and applied covers the targets. */
public record NodeReport(String node, BucketRevisions applied, int endpoints, int endpointsReady, List<String> problems,
                         @Schema(implementation = String.class, format = "date-time") Instant lastSeen,
                         boolean stale, boolean realized) {

    public NodeReport {
        problems = List.copyOf(problems);
    }
}
