package io.septum.policy.api;

import io.septum.policy.store.StoredPolicy;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** The stored objects, without their documents. */
public record PolicyList(List<PolicySummary> items) {

    public record PolicySummary(String kind, String namespace, String name, long revision,
                                @Schema(implementation = String.class, format = "date-time") Instant updatedAt) {
    }

    static PolicyList of(List<StoredPolicy> policies) {
        return new PolicyList(policies.stream()
                .map(p -> new PolicySummary(p.kind, p.namespace, p.name, p.revision, p.updatedAt))
                .toList());
    }
}
