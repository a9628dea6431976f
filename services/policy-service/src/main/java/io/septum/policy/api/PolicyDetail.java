package io.septum.policy.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.septum.policy.store.StoredPolicy;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One stored object with its document, as distributed. */
public record PolicyDetail(String kind, String namespace, String name, long revision,
                           @Schema(type = SchemaType.OBJECT, implementation = Object.class) JsonNode document) {

    static PolicyDetail of(StoredPolicy policy) {
        return new PolicyDetail(policy.kind, policy.namespace, policy.name, policy.revision, policy.document);
    }
}
