package io.septum.enforcer.agent.endpoints;

import io.septum.model.kv.NamedPort;

import java.util.List;
import java.util.Map;

/**
 * A pod on this node as the CNI plugin described it: where it is wired (the host side of its veth in the
 * node's namespace), its address, labels and named ports. Persisted, so a restarted enforcer knows it.
 */
public record LocalEndpoint(String namespace, String pod, String interfaceName, String ip, Map<String, String> labels,
                            List<NamedPort> namedPorts) {

    public LocalEndpoint {
        labels = Map.copyOf(labels);
        namedPorts = namedPorts == null ? List.of() : List.copyOf(namedPorts);
    }

    public String key() {
        return namespace + "/" + pod;
    }

    public LocalEndpoint withLabels(Map<String, String> newLabels) {
        return new LocalEndpoint(namespace, pod, interfaceName, ip, newLabels, namedPorts);
    }
}
