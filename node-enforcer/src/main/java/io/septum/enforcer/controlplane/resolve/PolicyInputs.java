package io.septum.enforcer.controlplane.resolve;

import io.septum.enforcer.controlplane.cluster.ClusterChanges;
import io.septum.model.labels.EndpointSelector;
import io.septum.model.policy.rules.PolicyRules;

import java.util.Collections;
import java.util.Set;

/**
 * What an endpoint's resolved policy was computed from, beyond the endpoint itself. Resolution reads nothing
 * else of the cluster state: the policies (which ones select the endpoint, and their rules), the identities
 * their peer selectors select, the CIDR identities of their ipBlocks, and, for egress rules with port names,
 * the named ports of peer pods. So while none of these changed, resolving again gives the same entries.
 *
 * @param subject             the endpoint as it was resolved
 * @param peerSelectors       the peer selectors of those policies' rules
 * @param usesPrefixes        some rule has an ipBlock peer
 * @param usesPeerNamedPorts  some egress rule has a port name (resolved against the peers' pods)
 */
public record PolicyInputs(EndpointSubject subject, Set<EndpointSelector> peerSelectors, boolean usesPrefixes,
                           boolean usesPeerNamedPorts) {

    public PolicyInputs {
        peerSelectors = Set.copyOf(peerSelectors);
    }

    /**
     * False only when resolving {@code now} after {@code changes} certainly gives the entries resolved with
     * these inputs. A changed policy affects the endpoint if its old or its new version selects it: with the
     * subject unchanged, the old version selects it now exactly when it did at resolution.
     */
    public boolean affectedBy(ClusterChanges changes, EndpointSubject now) {
        if (!subject.equals(now)) {
            return true;
        }
        if ((changes.prefixes() && usesPrefixes) || (changes.peerNamedPorts() && usesPeerNamedPorts)) {
            return true;
        }
        for (PolicyRules policy : changes.policies()) {
            if (policy.subject().matches(now.labels())) {
                return true;
            }
        }
        return !Collections.disjoint(peerSelectors, changes.selectors());
    }
}
