package io.septum.identity.endpoints;

import io.septum.identity.allocation.Identity;
import io.septum.model.kv.NamedPort;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An endpoint as the API shows it: the pod's labels as given, the identity of its identity-relevant labels, and when
 * it is removed unless its node renews its lease (or the endpoint is registered again) before.
 */
public record Endpoint(@Schema(required = true) String namespace,
                       @Schema(required = true) String pod,
                       @Schema(required = true) String node,
                       @Schema(required = true) String ip,
                       @Schema(required = true) Map<String, String> labels,
                       @Schema(required = true) List<NamedPort> namedPorts,
                       @Schema(required = true) Identity identity,
                       @Schema(required = true, type = SchemaType.STRING, format = "date-time") Instant leaseExpiresAt) {

    public Endpoint {
        labels = new TreeMap<>(labels);
        namedPorts = List.copyOf(namedPorts);
    }

    String key() {
        return namespace + "/" + pod;
    }
}
