package io.septum.model.policy.cilium;

import io.septum.model.labels.EndpointSelector;
import io.septum.model.policy.CidrText;
import io.septum.model.policy.Direction;
import io.septum.model.policy.FieldCursor;
import io.septum.model.policy.ObjectMeta;
import io.septum.model.policy.PolicyRef;
import io.septum.model.policy.Protocol;
import io.septum.model.policy.rules.Peer;
import io.septum.model.policy.rules.PolicyRule;
import io.septum.model.policy.rules.PolicyRules;
import io.septum.model.policy.rules.PortRule;
import io.septum.model.policy.rules.RuleRef;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy with Cilium's validation rules and translates
 * it to {@link PolicyRules} with Cilium's meaning:
 * <ul>
 *   <li>a direction is isolated (default deny) when the rule has rules or deny rules in it, unless
 *       {@code enableDefaultDeny} says false for it;</li>
 *   <li>a rule with no L3 peer but with toPorts or icmps applies to every peer; a rule with neither
 *       ({@code - {}}) allows nothing;</li>
 *   <li>{@code toPorts} protocol defaults to ANY (TCP, UDP and SCTP); port "0" or none means every port;</li>
 *   <li>deny rules win over every allow, of any policy kind;</li>
 *   <li>L7 parts (toPorts rules, listeners, TLS, serverNames, toFQDNs) are accepted and stored but not
 *       enforced: the rules holding them are left out, so they allow nothing, and the policy lists their paths
 *       in {@link PolicyRules#notEnforceable()}.</li>
 * </ul>
 * Errors name the field path, as the NetworkPolicy reader's do. Fields Septum cannot enforce at all and has
 * no safe reading of (fromRequires, fromGroups, fromNodes, toServices, …) are rejected. A cluster-wide policy's
 * {@code nodeSelector} selects host endpoints (the nodes, by their labels) instead of pods: host policies, default deny per
 * direction as for pods; the nodes' own traffic in and out is judged for them.
 */
public final class CiliumPolicyReader {

    private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec", "specs", "status");
    private static final Set<String> RULE = Set.of("endpointSelector", "nodeSelector", "ingress", "ingressDeny", "egress",
            "egressDeny", "labels", "description", "enableDefaultDeny");
    private static final Set<String> TO_PORTS = Set.of("ports", "rules", "listener", "originatingTLS", "terminatingTLS", "serverNames");
    private static final Set<String> L7_RULES = Set.of("http", "dns", "kafka", "l7proto", "l7");
    private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?");
    private static final Map<String, Integer> ICMP_TYPES = Map.of("EchoReply", 0, "DestinationUnreachable", 3, "Redirect", 5,
            "EchoRequest", 8, "RouterAdvertisement", 9, "RouterSelection", 10, "TimeExceeded", 11, "ParameterProblem", 12,
            "Timestamp", 13, "TimestampReply", 14);

    private final PolicyRef ref;
    /** The policy's namespace; null for a cluster-wide policy. */
    private final String namespace;
    /**
     * What rule names start with: "" for {@code spec} (rules are "ingress[0]", as before specs existed, so their
     * numbers stay the same), "specs[i]." for an element of {@code specs} ("specs[1].ingress[0]"): the path a user
     * finds in the document.
     */
    private final String sectionPrefix;
    private final List<PolicyRule> rules = new ArrayList<>();
    private final List<String> notEnforceable = new ArrayList<>();

    private CiliumPolicyReader(PolicyRef ref, String namespace, String sectionPrefix) {
        this.ref = ref;
        this.namespace = namespace;
        this.sectionPrefix = sectionPrefix;
    }

    /** Reads one document of {@code kind}; empty when any error was recorded (in {@code at}'s error list). */
    public static Optional<CiliumPolicy> read(FieldCursor at, String kind, String defaultNamespace) {
        if (!at.requireObject(TOP)) {
            return Optional.empty();
        }
        boolean namespaced = kind.equals(CiliumPolicy.KIND);
        int errorsBefore = at.errorCount();
        Optional<ObjectMeta> meta = ObjectMeta.read(at.field("metadata"), defaultNamespace, namespaced);
        String namespace = meta.map(ObjectMeta::namespace).orElse(namespaced ? defaultNamespace : "");
        PolicyRef ref = new PolicyRef(kind, namespace, meta.map(ObjectMeta::name).orElse(""));
        boolean audit = meta.map(ObjectMeta::audit).orElse(false);
        FieldCursor specAt = at.field("spec");
        FieldCursor specsAt = at.field("specs");
        List<PolicyRules> parts = new ArrayList<>();
        if (specAt.isPresent() && specsAt.isPresent()) {
            specsAt.error("cannot be given together with spec");
        } else if (specAt.isPresent()) {
            new CiliumPolicyReader(ref, namespaced ? namespace : null, "").readRule(specAt, audit).ifPresent(parts::add);
        } else if (specsAt.isPresent()) {
            List<FieldCursor> specs = specsAt.elements();
            if (specs.isEmpty() && specsAt.node().isArray()) {
                specsAt.error("must hold at least one rule");
            }
            // Each element is a rule of its own, with its own endpointSelector, as Cilium reads specs.
            for (int i = 0; i < specs.size(); i++) {
                new CiliumPolicyReader(ref, namespaced ? namespace : null, "specs[" + i + "].")
                        .readRule(specs.get(i), audit).ifPresent(parts::add);
            }
        } else {
            specAt.error("is required (or specs)");
        }
        if (at.errorCount() > errorsBefore || meta.isEmpty() || parts.isEmpty()) {
            return Optional.empty();
        }
        List<String> body = List.of(specAt.isPresent() ? "spec" : "specs");
        return Optional.of(new CiliumPolicy(kind, meta.get(), parts,
                meta.get().normalized(at.node(), CiliumPolicy.API_VERSION, kind, body)));
    }

    private Optional<PolicyRules> readRule(FieldCursor at, boolean audit) {
        if (!at.requireObject(RULE)) {
            return Optional.empty();
        }
        FieldCursor subjectAt = at.field("endpointSelector");
        FieldCursor nodeAt = at.field("nodeSelector");
        EndpointSelector subject = EndpointSelector.ALL;
        if (nodeAt.isPresent()) {
            if (namespace != null) {
                nodeAt.error("is only allowed in a " + CiliumPolicy.CLUSTERWIDE_KIND + " (host policies are cluster-wide)");
            } else if (subjectAt.isPresent()) {
                nodeAt.error("cannot be given together with endpointSelector: a rule selects pods or nodes");
            } else {
                subject = CiliumSelector.readNodeSelector(nodeAt).orElse(EndpointSelector.ALL);
            }
        } else if (!subjectAt.isPresent()) {
            subjectAt.error(namespace != null ? "is required" : "is required (or nodeSelector)");
        } else {
            subject = CiliumSelector.read(subjectAt, namespace, true).orElse(EndpointSelector.ALL);
        }
        at.field("description").text();
        at.field("labels").elements().forEach(l -> l.requireObject(Set.of("key", "value", "source")));

        FieldCursor defaultDenyAt = at.field("enableDefaultDeny");
        boolean denyIngress = true;
        boolean denyEgress = true;
        if (defaultDenyAt.isPresent() && defaultDenyAt.requireObject(Set.of("ingress", "egress"))) {
            denyIngress = bool(defaultDenyAt.field("ingress"));
            denyEgress = bool(defaultDenyAt.field("egress"));
        }
        int ingress = section(at.field("ingress"), Direction.INGRESS, PolicyRule.Action.ALLOW)
                + section(at.field("ingressDeny"), Direction.INGRESS, PolicyRule.Action.DENY);
        int egress = section(at.field("egress"), Direction.EGRESS, PolicyRule.Action.ALLOW)
                + section(at.field("egressDeny"), Direction.EGRESS, PolicyRule.Action.DENY);
        Set<Direction> isolates = EnumSet.noneOf(Direction.class);
        if (ingress > 0 && denyIngress) {
            isolates.add(Direction.INGRESS);
        }
        if (egress > 0 && denyEgress) {
            isolates.add(Direction.EGRESS);
        }
        return Optional.of(new PolicyRules(ref, subject, isolates, rules, audit, notEnforceable));
    }

    private static boolean bool(FieldCursor at) {
        if (!at.isPresent()) {
            return true;
        }
        if (!at.node().isBoolean()) {
            at.error("must be true or false");
            return true;
        }
        return at.node().booleanValue();
    }

    /** Reads one list of rules (ingress, ingressDeny, …); returns how many rules it has. */
    private int section(FieldCursor at, Direction direction, PolicyRule.Action action) {
        List<FieldCursor> elements = at.elements();
        String section = sectionPrefix + at.path().substring(at.path().lastIndexOf('.') + 1);
        for (int i = 0; i < elements.size(); i++) {
            rule(elements.get(i), direction, action, new RuleRef(ref, direction, i, section));
        }
        return elements.size();
    }

    private void rule(FieldCursor at, Direction direction, PolicyRule.Action action, RuleRef ruleRef) {
        String p = direction == Direction.INGRESS ? "from" : "to";
        boolean allow = action == PolicyRule.Action.ALLOW;
        Set<String> unsupported = new HashSet<>(Set.of(p + "Requires", p + "Groups", p + "Nodes"));
        if (direction == Direction.EGRESS) {
            unsupported.add("toServices");
        }
        if (allow) {
            unsupported.add("authentication");
        }
        Set<String> allowed = new HashSet<>(Set.of(p + "Endpoints", p + "CIDR", p + "CIDRSet", p + "Entities", "toPorts", "icmps"));
        allowed.addAll(unsupported);
        if (direction == Direction.EGRESS && allow) {
            allowed.add("toFQDNs");
        }
        if (!at.requireObject(allowed)) {
            return;
        }
        for (String field : unsupported) {
            if (at.field(field).isPresent()) {
                at.field(field).error("is not supported by Septum: it has no safe L3/L4 meaning here; use "
                        + p + "Endpoints, " + p + "Entities or " + p + "CIDR");
            }
        }
        boolean endpoints = nonEmpty(at.field(p + "Endpoints"));
        boolean cidrs = nonEmpty(at.field(p + "CIDR")) || nonEmpty(at.field(p + "CIDRSet"));
        boolean entities = nonEmpty(at.field(p + "Entities"));
        if ((endpoints ? 1 : 0) + (cidrs ? 1 : 0) + (entities ? 1 : 0) > 1) {
            List<String> given = new ArrayList<>();
            if (endpoints) given.add(p + "Endpoints");
            if (cidrs) given.add(p + "CIDR/" + p + "CIDRSet");
            if (entities) given.add(p + "Entities");
            at.error(String.join(" and ", given) + " cannot be combined in one rule (Cilium rejects it too): write one rule for each");
        }
        List<Peer> peers = new ArrayList<>();
        for (FieldCursor selectorAt : at.field(p + "Endpoints").elements()) {
            CiliumSelector.read(selectorAt, namespace, false).ifPresent(s -> peers.add(new Peer.Selected(s)));
        }
        for (FieldCursor cidrAt : at.field(p + "CIDR").elements()) {
            cidrAt.requiredText().flatMap(text -> CidrText.parse(text.contains("/") ? text : text + (text.contains(":") ? "/128" : "/32"), cidrAt))
                    .filter(CidrText::v4).ifPresent(c -> peers.add(new Peer.Cidr(c.ipv4(), List.of())));
        }
        for (FieldCursor setAt : at.field(p + "CIDRSet").elements()) {
            cidrSet(setAt).ifPresent(peers::add);
        }
        for (FieldCursor entityAt : at.field(p + "Entities").elements()) {
            entityAt.requiredText().ifPresent(name -> Entities.peers(name).ifPresentOrElse(peers::addAll,
                    () -> entityAt.error("unknown entity '" + name + "' (" + String.join(", ", Entities.NAMES) + ")")));
        }

        FieldCursor toPortsAt = at.field("toPorts");
        FieldCursor icmpsAt = at.field("icmps");
        if (nonEmpty(toPortsAt) && nonEmpty(icmpsAt)) {
            at.error("toPorts and icmps cannot be combined in one rule (Cilium rejects it too): write one rule for each");
        }
        List<PortRule> ports = new ArrayList<>();
        boolean everyPort = false;
        boolean l7 = false;
        for (FieldCursor portRuleAt : toPortsAt.elements()) {
            if (!portRuleAt.requireObject(allow ? TO_PORTS : Set.of("ports"))) {
                continue;
            }
            List<FieldCursor> portsAt = portRuleAt.field("ports").elements();
            everyPort |= portsAt.isEmpty();
            portsAt.forEach(portAt -> ports.addAll(port(portAt)));
            l7 |= layer7(portRuleAt);
        }
        for (FieldCursor icmpAt : icmpsAt.elements()) {
            if (icmpAt.requireObject(Set.of("fields"))) {
                icmpAt.field("fields").elements().forEach(fieldAt -> icmp(fieldAt).ifPresent(ports::add));
            }
        }
        FieldCursor fqdnsAt = at.field("toFQDNs");
        boolean fqdns = nonEmpty(fqdnsAt);
        if (fqdns) {
            fqdnsAt.elements().forEach(f -> {
                if (f.requireObject(Set.of("matchName", "matchPattern"))) {
                    f.field("matchName").text();
                    f.field("matchPattern").text();
                }
            });
            notEnforceable.add(fqdnsAt.path() + ": DNS-based peers are not enforced (no DNS proxy); the rule allows nothing");
        }
        boolean portsGiven = nonEmpty(toPortsAt) || nonEmpty(icmpsAt);
        if (!endpoints && !cidrs && !entities && !fqdns && portsGiven) {
            peers.add(new Peer.Any());
        }
        if (l7 || fqdns || peers.isEmpty() || (portsGiven && ports.isEmpty() && !everyPort)) {
            // Left out: it allows (or denies) nothing that the datapath can enforce.
            return;
        }
        rules.add(new PolicyRule(ruleRef, direction, action, peers, everyPort ? List.of() : ports));
    }

    private static boolean nonEmpty(FieldCursor at) {
        return at.isPresent() && (!at.node().isArray() || !at.node().isEmpty());
    }

    private Optional<Peer> cidrSet(FieldCursor at) {
        if (!at.requireObject(Set.of("cidr", "except", "cidrGroupRef", "cidrGroupSelector"))) {
            return Optional.empty();
        }
        for (String group : List.of("cidrGroupRef", "cidrGroupSelector")) {
            if (at.field(group).isPresent()) {
                at.field(group).error("is not supported by Septum (no CiliumCIDRGroup resources): list the prefixes in cidr");
            }
        }
        FieldCursor cidrAt = at.field("cidr");
        Optional<CidrText> block = cidrAt.requiredText().flatMap(text -> CidrText.parse(text, cidrAt));
        List<CidrText> except = new ArrayList<>();
        for (FieldCursor exceptAt : at.field("except").elements()) {
            exceptAt.requiredText().flatMap(text -> CidrText.parse(text, exceptAt)).ifPresent(inner -> {
                except.add(inner);
                block.filter(outer -> !outer.strictlyContains(inner))
                        .ifPresent(outer -> exceptAt.error("must be strictly within cidr " + cidrAt.node().asText()));
            });
        }
        return block.filter(CidrText::v4).map(b -> new Peer.Cidr(b.ipv4(),
                except.stream().filter(CidrText::v4).map(CidrText::ipv4).toList()));
    }

    /** One entry of toPorts[].ports: the port rules it means (ANY is TCP, UDP and SCTP, as in Cilium). */
    private static List<PortRule> port(FieldCursor at) {
        if (!at.requireObject(Set.of("port", "endPort", "protocol"))) {
            return List.of();
        }
        FieldCursor protocolAt = at.field("protocol");
        List<Protocol> protocols = protocolAt.text().map(text -> switch (text) {
            case "TCP" -> List.of(Protocol.TCP);
            case "UDP" -> List.of(Protocol.UDP);
            case "SCTP" -> List.of(Protocol.SCTP);
            case "ANY" -> List.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP);
            default -> {
                protocolAt.error("unsupported protocol '" + text + "' (TCP, UDP, SCTP, ANY; ICMP goes in icmps)");
                yield List.<Protocol>of();
            }
        }).orElse(protocolAt.isPresent() ? List.of() : List.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP));
        FieldCursor portAt = at.field("port");
        int number = 0;
        String name = null;
        boolean valid = true;
        if (portAt.isPresent()) {
            String text = portAt.node().isIntegralNumber() ? portAt.node().asText() : portAt.text().orElse(null);
            if (text == null) {
                valid = false;
            } else if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
                if (text.length() > 5 || Integer.parseInt(text) > 65535) {
                    portAt.error("must be between 0 and 65535, got " + text);
                    valid = false;
                } else {
                    number = Integer.parseInt(text);
                }
            } else if (!text.isEmpty()) {
                if (!PORT_NAME.matcher(text).matches() || text.contains("--") || text.chars().noneMatch(Character::isLetter)) {
                    portAt.error("'" + text + "' is neither a port number nor a valid port name"
                            + " (at most 15 lower-case alphanumerics and '-', with at least one letter)");
                    valid = false;
                } else {
                    name = text;
                }
            }
        }
        FieldCursor endAt = at.field("endPort");
        int end = endAt.integer(0, 65535).orElse(0);
        if (end != 0) {
            if (name != null) {
                endAt.error("cannot be combined with a port name ('" + name + "'): a range needs a numeric port");
                valid = false;
            } else if (number == 0) {
                endAt.error("requires a numeric port as the start of the range");
                valid = false;
            } else if (end < number) {
                endAt.error("must be greater than or equal to port (" + number + ")");
                valid = false;
            }
        }
        if (!valid) {
            return List.of();
        }
        List<PortRule> out = new ArrayList<>();
        for (Protocol protocol : protocols) {
            out.add(name != null ? new PortRule(protocol, 0, 0, name)
                    : new PortRule(protocol, number, end == number ? 0 : end, null));
        }
        return out;
    }

    /** Records the L7 parts of a toPorts entry as not enforceable; true if it has any. */
    private boolean layer7(FieldCursor at) {
        boolean found = false;
        FieldCursor rulesAt = at.field("rules");
        if (rulesAt.isPresent() && rulesAt.requireObject(L7_RULES)) {
            for (String kind : L7_RULES.stream().sorted().toList()) {
                if (nonEmpty(rulesAt.field(kind))) {
                    notEnforceable.add(rulesAt.field(kind).path() + ": L7 rules are not enforced (no L7 proxy); the rule allows nothing");
                    found = true;
                }
            }
        }
        for (String field : List.of("listener", "originatingTLS", "terminatingTLS", "serverNames")) {
            if (nonEmpty(at.field(field))) {
                notEnforceable.add(at.field(field).path() + ": not enforced (no L7 proxy); the rule allows nothing");
                found = true;
            }
        }
        return found;
    }

    /** One ICMP type, as the datapath matches it (the type in the port field); IPv6 fields match nothing here. */
    private static Optional<PortRule> icmp(FieldCursor at) {
        if (!at.requireObject(Set.of("type", "family"))) {
            return Optional.empty();
        }
        FieldCursor familyAt = at.field("family");
        String family = familyAt.text().orElse("IPv4");
        if (!family.equals("IPv4") && !family.equals("IPv6")) {
            familyAt.error("must be IPv4 or IPv6, got '" + family + "'");
            return Optional.empty();
        }
        FieldCursor typeAt = at.field("type");
        Optional<Integer> type;
        if (!typeAt.isPresent()) {
            typeAt.error("is required");
            return Optional.empty();
        } else if (typeAt.node().isTextual()) {
            String text = typeAt.node().textValue();
            type = Optional.ofNullable(ICMP_TYPES.get(text));
            if (type.isEmpty()) {
                typeAt.error("unknown ICMP type name '" + text + "' (a number 1-255 or one of "
                        + String.join(", ", ICMP_TYPES.keySet().stream().sorted().toList()) + ")");
            }
        } else {
            type = typeAt.integer(0, 255);
        }
        if (type.isPresent() && type.get() == 0) {
            // The datapath matches echo replies as replies of the echo requests it allowed; a rule cannot name them.
            typeAt.error("type 0 (EchoReply) cannot be named: replies to allowed echo requests pass by connection tracking");
            return Optional.empty();
        }
        return type.filter(t -> family.equals("IPv4")).map(t -> PortRule.port(Protocol.ICMP, t));
    }
}
