package io.septum.identity.endpoints;

import io.septum.model.kv.NamedPort;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/** The body of PUT /v1/endpoints/{namespace}/{pod}; absent labels and named ports mean none. */
public record EndpointSpec(@Schema(required = true) String node,
                           @Schema(required = true) String ip,
                           Map<String, String> labels,
                           List<NamedPort> namedPorts) {

    public EndpointSpec {
        labels = labels == null ? Map.of() : labels;
        namedPorts = namedPorts == null ? List.of() : namedPorts;
    }
}
