package io.septum.model.policy.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.septum.model.policy.PolicyObject;
import io.septum.model.policy.PolicyRef;
import io.septum.model.policy.Protocol;
import io.septum.model.policy.rules.PolicyRules;
import io.septum.model.net.Ipv4Cidr;

import java.util.List;
import java.util.Map;

/**
 * A {@code networking.k8s.io/v1} NetworkPolicy, as Kubernetes defines it. Read by
 * {@link NetworkPolicyReader}, which has validated every field; translated to rules by
 * {@link NetworkPolicyTranslator}.
 */
public record NetworkPolicy(String name, String namespace, Map<String, String> labels, Spec spec, JsonNode document)
        implements PolicyObject {

    public static final String API_VERSION = "networking.k8s.io/v1";
    public static final String KIND = "NetworkPolicy";

    public record Spec(LabelSelector podSelector, List<PolicyType> policyTypes, List<IngressRule> ingress, List<EgressRule> egress) {
        public Spec {
            policyTypes = List.copyOf(policyTypes);
            ingress = List.copyOf(ingress);
            egress = List.copyOf(egress);
        }
    }

    public enum PolicyType { Ingress, Egress }

    /** {@code from} empty means every source; {@code ports} empty means every port. */
    public record IngressRule(List<Port> ports, List<Peer> from) {
        public IngressRule {
            ports = List.copyOf(ports);
            from = List.copyOf(from);
        }
    }

    /** {@code to} empty means every destination; {@code ports} empty means every port. */
    public record EgressRule(List<Port> ports, List<Peer> to) {
        public EgressRule {
            ports = List.copyOf(ports);
            to = List.copyOf(to);
        }
    }

    /** Exactly one of ipBlock, or podSelector and/or namespaceSelector; absent selectors are null. */
    public record Peer(LabelSelector podSelector, LabelSelector namespaceSelector, IpBlock ipBlock) {
    }

    /** cidr as written (IPv4 or IPv6); IPv6 blocks are kept but match nothing in this IPv4 datapath. */
    public record IpBlock(String cidr, List<String> except) {
        public IpBlock {
            except = List.copyOf(except);
        }

        public boolean isIpv4() {
            return Ipv4Cidr.looksLikeIpv4(cidr);
        }
    }

    /** A port: number (with optional endPort) or IANA name, or none at all (every port of the protocol). */
    public record Port(Protocol protocol, Integer number, String name, Integer endPort) {
    }

    @Override
    public PolicyRef ref() {
        return new PolicyRef(KIND, namespace, name);
    }

    @Override
    public List<PolicyRules> toRules() {
        return List.of(NetworkPolicyTranslator.translate(this));
    }
}
