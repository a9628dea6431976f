package io.septum.enforcer.agent.endpoints;

import io.septum.model.identity.ReservedIdentity;
import io.septum.model.labels.Label;
import io.septum.model.labels.Labels;

import java.util.List;
import java.util.Map;

/**
 * This node as an endpoint (Cilium's host endpoint): what a CiliumClusterwideNetworkPolicy's nodeSelector selects. Its
 * identity is the reserved host identity; its labels are {@code reserved:host} and the node's labels (source
 * {@code node}); its datapath sits on the node's uplink, the interface toward the other nodes and the gateway.
 *
 * @param uplink     the node's interface toward the rest of the network, in the node's namespace
 * @param ip         the node's address there (the endpoint entry's address; the datapath tells host traffic by the
 *                   ipcache's host identity, which every {@code --host-address} has)
 * @param nodeLabels the node's labels
 */
public record HostEndpoint(String uplink, String ip, Map<String, String> nodeLabels) {

    /** Its key among the local endpoints: no pod's (a namespace is never empty). */
    public static final String KEY = "/host";

    public HostEndpoint {
        nodeLabels = Map.copyOf(nodeLabels);
    }

    public int identity() {
        return ReservedIdentity.HOST.id().value();
    }

    public Labels labels() {
        return ReservedIdentity.HOST.labels().with(Labels.fromMap(Label.SOURCE_NODE, nodeLabels));
    }

    /** As the reconciler keeps its endpoints: namespace "" (see {@link #KEY}), pod "host". */
    public LocalEndpoint asLocal() {
        return new LocalEndpoint("", "host", uplink, ip, nodeLabels, List.of());
    }
}
