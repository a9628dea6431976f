package io.septum.policy.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.septum.policy.store.PolicyRow;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One object with its document, as distributed (or as a past revision left it): {@code revision} is the
 * revision that wrote it, {@code source} the bundle source that owns it (empty: none).
 */
public record PolicyDetail(String kind, String namespace, String name, long revision, String source,
                           @Schema(type = SchemaType.OBJECT, implementation = Object.class) JsonNode document) {

    static PolicyDetail of(PolicyRow policy) {
        return new PolicyDetail(policy.kind, policy.namespace, policy.name, policy.revision,
                policy.source == null ? "" : policy.source, policy.document);
    }
}
