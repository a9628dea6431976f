package io.septum.identity.endpoints;

import io.septum.identity.allocation.Identity;
import io.septum.model.kv.NamedPort;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An endpoint as the API shows it: the pod's labels as given, and the identity of its identity-relevant labels. */
public record Endpoint(@Schema(required = true) String namespace,
                       @Schema(required = true) String pod,
                       @Schema(required = true) String node,
                       @Schema(required = true) String ip,
                       @Schema(required = true) Map<String, String> labels,
                       @Schema(required = true) List<NamedPort> namedPorts,
                       @Schema(required = true) Identity identity) {

    public Endpoint {
        labels = new TreeMap<>(labels);
        namedPorts = List.copyOf(namedPorts);
    }

    static Endpoint of(EndpointEntity entity, Identity identity) {
        return new Endpoint(entity.namespace, entity.pod, entity.node, entity.ip, entity.labels, entity.namedPorts, identity);
    }

    static Endpoint of(EndpointEntity entity) {
        return of(entity, Identity.of(entity.identity));
    }
}
