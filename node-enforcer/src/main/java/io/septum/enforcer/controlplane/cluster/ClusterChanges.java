package io.septum.enforcer.controlplane.cluster;

import io.septum.model.labels.EndpointSelector;
import io.septum.model.policy.rules.PolicyRules;

import java.util.List;
import java.util.Set;

/**
 * What changed in a {@link ClusterState} since the changes were last drained: enough to tell which
 * endpoints' policies may differ (see {@code PolicyInputs.affectedBy}) without resolving them all.
 *
 * @param selectors       selectors whose set of selected identities changed
 * @param policies        every version of every policy that was added, replaced or removed (old and new:
 *                        an endpoint is affected if either selects it)
 * @param prefixes        the set of prefixes policies name changed, so the CIDR identities within a block may differ
 * @param peerNamedPorts  some pod's named ports (or its identity, with named ports) changed in the ipcache
 */
public record ClusterChanges(Set<EndpointSelector> selectors, List<PolicyRules> policies, boolean prefixes,
                             boolean peerNamedPorts) {

    public static final ClusterChanges NONE = new ClusterChanges(Set.of(), List.of(), false, false);

    public ClusterChanges {
        selectors = Set.copyOf(selectors);
        policies = List.copyOf(policies);
    }

    public boolean isEmpty() {
        return selectors.isEmpty() && policies.isEmpty() && !prefixes && !peerNamedPorts;
    }
}
