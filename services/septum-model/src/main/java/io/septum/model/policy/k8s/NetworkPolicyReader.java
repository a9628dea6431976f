package io.septum.model.policy.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.septum.model.net.Ipv4Cidr;
import io.septum.model.policy.FieldCursor;
import io.septum.model.policy.Protocol;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
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
    private static final Set<String> METADATA = Set.of("name", "namespace", "labels", "annotations", "uid",
            "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink", "finalizers",
            "ownerReferences", "deletionTimestamp", "deletionGracePeriodSeconds", "generateName");
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
        FieldCursor metaAt = at.field("metadata");
        String name = null;
        String namespace = defaultNamespace;
        Map<String, String> labels = Map.of();
        Map<String, String> annotations = Map.of();
        if (!metaAt.isPresent()) {
            metaAt.error("is required");
        } else if (metaAt.requireObject(METADATA)) {
            FieldCursor nameAt = metaAt.field("name");
            name = nameAt.requiredText().orElse(null);
            if (name != null && !FieldCursor.isDnsSubdomain(name)) {
                nameAt.error("'" + name + "' is not a valid name: lower-case alphanumerics, '-' and '.', at most 253 characters");
            }
            FieldCursor nsAt = metaAt.field("namespace");
            Optional<String> ns = nsAt.text();
            if (ns.isPresent()) {
                namespace = ns.get();
                if (!FieldCursor.isDnsLabel(namespace)) {
                    nsAt.error("'" + namespace + "' is not a valid namespace: lower-case alphanumerics and '-', at most 63 characters");
                }
            }
            FieldCursor labelsAt = metaAt.field("labels");
            labels = labelsAt.stringMap();
            labels.forEach((k, v) -> {
                FieldCursor.labelKeyProblem(k).ifPresent(labelsAt.field(k)::error);
                FieldCursor.labelValueProblem(v).ifPresent(labelsAt.field(k)::error);
            });
            annotations = metaAt.field("annotations").stringMap();
        }
        FieldCursor specAt = at.field("spec");
        NetworkPolicy.Spec spec = null;
        if (!specAt.isPresent()) {
            specAt.error("is required");
        } else if (specAt.requireObject(SPEC)) {
            spec = readSpec(specAt);
        }
        if (at.errorCount() > errorsBefore || spec == null || name == null) {
            return Optional.empty();
        }
        return Optional.of(new NetworkPolicy(name, namespace, labels, spec, normalized(at.node(), name, namespace, labels, annotations)));
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

    /** The stored form: the input with server-managed metadata and status removed and the namespace filled in. */
    private static JsonNode normalized(JsonNode input, String name, String namespace, Map<String, String> labels,
                                       Map<String, String> annotations) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("apiVersion", NetworkPolicy.API_VERSION);
        out.put("kind", NetworkPolicy.KIND);
        ObjectNode meta = out.putObject("metadata");
        meta.put("name", name);
        meta.put("namespace", namespace);
        if (!labels.isEmpty()) {
            ObjectNode l = meta.putObject("labels");
            labels.forEach(l::put);
        }
        if (!annotations.isEmpty()) {
            ObjectNode a = meta.putObject("annotations");
            annotations.forEach(a::put);
        }
        out.set("spec", input.get("spec").deepCopy());
        return out;
    }

    /** An IPv4 or IPv6 prefix as written in an ipBlock, validated. */
    private record CidrText(boolean v4, Ipv4Cidr ipv4, java.math.BigInteger v6Address, int v6Length) {

        static Optional<CidrText> parse(String text, FieldCursor at) {
            if (!text.contains("/")) {
                at.error("'" + text + "' is not a CIDR (expected address/length)");
                return Optional.empty();
            }
            try {
                if (Ipv4Cidr.looksLikeIpv4(text)) {
                    return Optional.of(new CidrText(true, Ipv4Cidr.parse(text), null, 0));
                }
                int slash = text.indexOf('/');
                java.net.InetAddress address = java.net.InetAddress.ofLiteral(text.substring(0, slash));
                int length = Integer.parseInt(text.substring(slash + 1));
                if (!(address instanceof java.net.Inet6Address) || length < 0 || length > 128) {
                    throw new IllegalArgumentException("bad IPv6 prefix");
                }
                java.math.BigInteger bits = new java.math.BigInteger(1, address.getAddress());
                java.math.BigInteger mask = java.math.BigInteger.ONE.shiftLeft(128).subtract(java.math.BigInteger.ONE)
                        .shiftRight(length).not();
                return Optional.of(new CidrText(false, null, bits.and(mask), length));
            } catch (IllegalArgumentException e) {
                at.error("'" + text + "' is not a valid CIDR");
                return Optional.empty();
            }
        }

        boolean strictlyContains(CidrText inner) {
            if (v4 != inner.v4) {
                return false;
            }
            if (v4) {
                return ipv4.contains(inner.ipv4) && inner.ipv4.length() > ipv4.length();
            }
            if (inner.v6Length <= v6Length) {
                return false;
            }
            java.math.BigInteger mask = java.math.BigInteger.ONE.shiftLeft(128).subtract(java.math.BigInteger.ONE)
                    .shiftRight(v6Length).not();
            return inner.v6Address.and(mask).equals(v6Address);
        }
    }
}
