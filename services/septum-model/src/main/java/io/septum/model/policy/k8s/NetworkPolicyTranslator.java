package io.septum.model.policy.k8s;

import io.septum.model.identity.K8sIdentityLabels;
import io.septum.model.labels.EndpointSelector;
import io.septum.model.labels.SelectorRequirement;
import io.septum.model.net.Ipv4Cidr;
import io.septum.model.policy.Direction;
import io.septum.model.policy.ObjectMeta;
import io.septum.model.policy.rules.Peer;
import io.septum.model.policy.rules.PolicyRule;
import io.septum.model.policy.rules.PolicyRules;
import io.septum.model.policy.rules.PortRule;
import io.septum.model.policy.rules.RuleRef;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Translates a NetworkPolicy into rules with exactly the Kubernetes meaning:
 * <ul>
 *   <li>the policy selects pods of its own namespace matching podSelector;</li>
 *   <li>policyTypes default to Ingress, plus Egress when the policy has egress rules;</li>
 *   <li>a selected pod is isolated (default deny) in each of the policy's types, even with no rules;</li>
 *   <li>a peer podSelector alone means pods of the policy's namespace; a namespaceSelector alone means
 *       all pods of matching namespaces; both means matching pods in matching namespaces;</li>
 *   <li>an empty or absent from/to means every peer; empty or absent ports mean every port and protocol.</li>
 * </ul>
 */
public final class NetworkPolicyTranslator {

    private NetworkPolicyTranslator() {
    }

    public static PolicyRules translate(NetworkPolicy policy) {
        String namespace = policy.namespace();
        NetworkPolicy.Spec spec = policy.spec();
        EndpointSelector subject = inNamespace(spec.podSelector(), namespace);

        Set<Direction> isolates = EnumSet.noneOf(Direction.class);
        if (spec.policyTypes().isEmpty()) {
            isolates.add(Direction.INGRESS);
            if (!spec.egress().isEmpty()) {
                isolates.add(Direction.EGRESS);
            }
        } else {
            for (NetworkPolicy.PolicyType type : spec.policyTypes()) {
                isolates.add(type == NetworkPolicy.PolicyType.Ingress ? Direction.INGRESS : Direction.EGRESS);
            }
        }

        List<PolicyRule> rules = new ArrayList<>();
        // Rules of a direction the policy does not isolate have no effect in Kubernetes: drop them.
        if (isolates.contains(Direction.INGRESS)) {
            for (int i = 0; i < spec.ingress().size(); i++) {
                NetworkPolicy.IngressRule rule = spec.ingress().get(i);
                rules.add(rule(policy, Direction.INGRESS, i, rule.from(), rule.ports()));
            }
        }
        if (isolates.contains(Direction.EGRESS)) {
            for (int i = 0; i < spec.egress().size(); i++) {
                NetworkPolicy.EgressRule rule = spec.egress().get(i);
                rules.add(rule(policy, Direction.EGRESS, i, rule.to(), rule.ports()));
            }
        }
        boolean audit = "true".equals(policy.document().path("metadata").path("annotations").path(ObjectMeta.AUDIT_ANNOTATION).asText());
        return new PolicyRules(policy.ref(), subject, isolates, rules, audit, List.of());
    }

    private static PolicyRule rule(NetworkPolicy policy, Direction direction, int index,
                                   List<NetworkPolicy.Peer> peers, List<NetworkPolicy.Port> ports) {
        List<Peer> translatedPeers = new ArrayList<>();
        if (peers.isEmpty()) {
            translatedPeers.add(new Peer.Any());
        }
        for (NetworkPolicy.Peer peer : peers) {
            Peer translated = peer(peer, policy.namespace());
            if (translated != null) {
                translatedPeers.add(translated);
            }
        }
        List<PortRule> translatedPorts = new ArrayList<>();
        for (NetworkPolicy.Port port : ports) {
            if (port.name() != null) {
                translatedPorts.add(new PortRule(port.protocol(), 0, 0, port.name()));
            } else if (port.number() == null) {
                translatedPorts.add(PortRule.allPorts(port.protocol()));
            } else {
                translatedPorts.add(new PortRule(port.protocol(), port.number(), port.endPort() == null ? 0 : port.endPort(), null));
            }
        }
        return new PolicyRule(new RuleRef(policy.ref(), direction, index), direction, PolicyRule.Action.ALLOW,
                translatedPeers, translatedPorts);
    }

    /** The peer as rules see it; null for peers this IPv4 datapath can never match (IPv6 blocks). */
    private static Peer peer(NetworkPolicy.Peer peer, String policyNamespace) {
        if (peer.ipBlock() != null) {
            if (!peer.ipBlock().isIpv4()) {
                return null;
            }
            List<Ipv4Cidr> except = peer.ipBlock().except().stream().map(Ipv4Cidr::parse).toList();
            return new Peer.Cidr(Ipv4Cidr.parse(peer.ipBlock().cidr()), except);
        }
        EndpointSelector selector;
        if (peer.namespaceSelector() == null) {
            selector = inNamespace(peer.podSelector(), policyNamespace);
        } else {
            EndpointSelector namespaces = peer.namespaceSelector().toEndpointSelector(K8sIdentityLabels::namespaceLabelKey)
                    // Only pods have a namespace label: keeps reserved and CIDR identities out of "all namespaces".
                    .and(List.of(SelectorRequirement.exists(K8sIdentityLabels.namespaceKey())));
            selector = peer.podSelector() == null ? namespaces
                    : namespaces.and(peer.podSelector().toEndpointSelector(K8sIdentityLabels::podLabelKey));
        }
        return new Peer.Selected(selector);
    }

    private static EndpointSelector inNamespace(LabelSelector podSelector, String namespace) {
        return podSelector.toEndpointSelector(K8sIdentityLabels::podLabelKey)
                .and(List.of(SelectorRequirement.equalTo(K8sIdentityLabels.namespaceKey(), namespace)));
    }
}
