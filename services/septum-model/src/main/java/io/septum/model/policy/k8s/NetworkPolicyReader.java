package io.septum.model.policy.k8s;

import io.septum.model.policy.CidrText;
import io.septum.model.policy.FieldCursor;
import io.septum.model.policy.ObjectMeta;
import io.septum.model.policy.Protocol;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a NetworkPolicy document with the validation rules of the Kubernetes API server, recording every
 * offending field. Unknown fields in the spec are errors (kubectl's strict validation), metadata fields
 * that the server manages (uid, resourceVersion, …) are accepted and dropped.
 */
public final class NetworkPolicyReader {

    private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec", "status");
    private static final Set<String> SPEC = Set.of("podSelector", "policyTypes", "ingress", "egress");
    private static final Set<String> INGRESS_RULE = Set.of("ports", "from");
    private static final Set<String> EGRESS_RULE = Set.of("ports", "to");
    private static final Set<String> PEER = Set.of("podSelector", "namespaceSelector", "ipBlock");
    private static final Set<String> IP_BLOCK = Set.of("cidr", "except");
    private static final Set<String> PORT = Set.of("protocol", "port", "endPort");
    private static final Pattern IANA_SVC_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?");

    private NetworkPolicyReader() {
    }

    /**
     * Reads one document; returns empty when any error was recorded (in {@code at}'s error list).
     * {@code defaultNamespace} applies when metadata.namespace is absent, as kubectl does.
     */
    public static Optional<NetworkPolicy> read(FieldCursor at, String defaultNamespace) {
        if (!at.requireObject(TOP)) {
            return Optional.empty();
        }
        int errorsBefore = at.errorCount();
        Optional<ObjectMeta> meta = ObjectMeta.read(at.field("metadata"), defaultNamespace, true);
        FieldCursor specAt = at.field("spec");
        NetworkPolicy.Spec spec = null;
        if (!specAt.isPresent()) {
            specAt.error("is required");
        } else if (specAt.requireObject(SPEC)) {
            spec = readSpec(specAt);
        }
        if (at.errorCount() > errorsBefore || spec == null || meta.isEmpty()) {
            return Optional.empty();
        }
        ObjectMeta m = meta.get();
        return Optional.of(new NetworkPolicy(m.name(), m.namespace(), m.labels(), spec,
                m.normalized(at.node(), NetworkPolicy.API_VERSION, NetworkPolicy.KIND, List.of("spec"))));
    }

    private static NetworkPolicy.Spec readSpec(FieldCursor at) {
        LabelSelector podSelector = LabelSelector.read(at.field("podSelector")).orElse(LabelSelector.EMPTY);
        FieldCursor typesAt = at.field("policyTypes");
        EnumSet<NetworkPolicy.PolicyType> seen = EnumSet.noneOf(NetworkPolicy.PolicyType.class);
        List<NetworkPolicy.PolicyType> types = new ArrayList<>();
        for (FieldCursor typeAt : typesAt.elements()) {
            typeAt.requiredText().ifPresent(text -> {
                switch (text) {
                    case "Ingress", "Egress" -> {
                        NetworkPolicy.PolicyType type = NetworkPolicy.PolicyType.valueOf(text);
                        if (!seen.add(type)) {
                            typeAt.error("duplicate policy type " + text);
                        }
                        types.add(type);
                    }
                    default -> typeAt.error("unsupported policy type '" + text + "' (Ingress, Egress)");
                }
            });
        }
        List<NetworkPolicy.IngressRule> ingress = at.field("ingress").list(ruleAt -> {
            if (!ruleAt.requireObject(INGRESS_RULE)) {
                return Optional.empty();
            }
            return Optional.of(new NetworkPolicy.IngressRule(readPorts(ruleAt.field("ports")), readPeers(ruleAt.field("from"))));
        });
        List<NetworkPolicy.EgressRule> egress = at.field("egress").list(ruleAt -> {
            if (!ruleAt.requireObject(EGRESS_RULE)) {
                return Optional.empty();
            }
            return Optional.of(new NetworkPolicy.EgressRule(readPorts(ruleAt.field("ports")), readPeers(ruleAt.field("to"))));
        });
        if (typesAt.isPresent() && types.isEmpty() && typesAt.node().isArray()) {
            // An explicit empty list means the defaults, as the API server does.
            return new NetworkPolicy.Spec(podSelector, List.of(), ingress, egress);
        }
        return new NetworkPolicy.Spec(podSelector, types, ingress, egress);
    }

    private static List<NetworkPolicy.Peer> readPeers(FieldCursor at) {
        return at.list(peerAt -> {
            if (!peerAt.requireObject(PEER)) {
                return Optional.empty();
            }
            Optional<LabelSelector> pods = LabelSelector.read(peerAt.field("podSelector"));
            Optional<LabelSelector> namespaces = LabelSelector.read(peerAt.field("namespaceSelector"));
            FieldCursor blockAt = peerAt.field("ipBlock");
            Optional<NetworkPolicy.IpBlock> block = blockAt.isPresent() ? readIpBlock(blockAt) : Optional.empty();
            boolean selectors = peerAt.field("podSelector").isPresent() || peerAt.field("namespaceSelector").isPresent();
            if (blockAt.isPresent() && selectors) {
                peerAt.error("ipBlock cannot be combined with podSelector or namespaceSelector in one peer");
                return Optional.empty();
            }
            if (!blockAt.isPresent() && !selectors) {
                peerAt.error("must specify a peer: podSelector, namespaceSelector or ipBlock");
                return Optional.empty();
            }
            if (blockAt.isPresent()) {
                return block.map(b -> new NetworkPolicy.Peer(null, null, b));
            }
            return Optional.of(new NetworkPolicy.Peer(pods.orElse(null), namespaces.orElse(null), null));
        });
    }

    private static Optional<NetworkPolicy.IpBlock> readIpBlock(FieldCursor at) {
        if (!at.requireObject(IP_BLOCK)) {
            return Optional.empty();
        }
        FieldCursor cidrAt = at.field("cidr");
        Optional<String> cidr = cidrAt.requiredText();
        if (cidr.isEmpty()) {
            return Optional.empty();
        }
        Optional<CidrText> block = CidrText.parse(cidr.get(), cidrAt);
        List<String> except = new ArrayList<>();
        for (FieldCursor exceptAt : at.field("except").elements()) {
            exceptAt.requiredText().ifPresent(text -> {
                except.add(text);
                CidrText.parse(text, exceptAt).ifPresent(inner -> block.ifPresent(outer -> {
                    if (!outer.strictlyContains(inner)) {
                        exceptAt.error("must be strictly within cidr " + cidr.get());
                    }
                }));
            });
        }
        return block.map(b -> new NetworkPolicy.IpBlock(cidr.get(), except));
    }

    private static List<NetworkPolicy.Port> readPorts(FieldCursor at) {
        return at.list(portAt -> {
            if (!portAt.requireObject(PORT)) {
                return Optional.empty();
            }
            FieldCursor protocolAt = portAt.field("protocol");
            Protocol protocol = protocolAt.text().map(text -> switch (text) {
                case "TCP" -> Protocol.TCP;
                case "UDP" -> Protocol.UDP;
                case "SCTP" -> Protocol.SCTP;
                default -> {
                    protocolAt.error("unsupported protocol '" + text + "' (TCP, UDP, SCTP)");
                    yield null;
                }
            }).orElse(protocolAt.isPresent() ? null : Protocol.TCP);
            FieldCursor numberAt = portAt.field("port");
            Integer number = null;
            String name = null;
            if (numberAt.isPresent()) {
                if (numberAt.node().isTextual()) {
                    name = numberAt.node().textValue();
                    if (!IANA_SVC_NAME.matcher(name).matches() || name.contains("--") || name.chars().noneMatch(Character::isLetter)) {
                        numberAt.error("'" + name + "' is neither a port number nor a valid port name"
                                + " (at most 15 lower-case alphanumerics and '-', with at least one letter)");
                        name = null;
                    }
                } else {
                    number = numberAt.integer(1, 65535).orElse(null);
                }
            }
            FieldCursor endAt = portAt.field("endPort");
            Integer endPort = endAt.integer(1, 65535).orElse(null);
            if (endAt.isPresent() && endPort != null) {
                if (number == null) {
                    endAt.error("requires port to be a number");
                    endPort = null;
                } else if (endPort < number) {
                    endAt.error("must be greater than or equal to port (" + number + ")");
                    endPort = null;
                }
            }
            if (protocol == null) {
                return Optional.empty();
            }
            return Optional.of(new NetworkPolicy.Port(protocol, number, name, endPort));
        });
    }
}
