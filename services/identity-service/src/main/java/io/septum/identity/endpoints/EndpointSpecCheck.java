package io.septum.identity.endpoints;

import io.septum.identity.api.FieldProblems;
import io.septum.model.kv.NamedPort;
import io.septum.model.net.Ipv4Cidr;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Validates a PUT endpoint request the way Kubernetes validates a pod, and fills in defaults (protocol TCP). */
final class EndpointSpecCheck {

    /** Kubernetes' IANA_SVC_NAME: at most 15 of [a-z0-9-], a letter somewhere, no '-' at the ends or twice in a row. */
    private static final Pattern PORT_NAME = Pattern.compile("(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?=[a-z0-9]))*");
    private static final Set<String> PROTOCOLS = Set.of("TCP", "UDP", "SCTP");

    private EndpointSpecCheck() {
    }

    /** The spec with defaults filled in; throws 400 listing every problem of the path and the body. */
    static EndpointSpec check(String namespace, String pod, EndpointSpec spec) {
        FieldProblems problems = new FieldProblems();
        problems.dnsLabel("namespace", namespace);
        problems.dnsSubdomain("pod", pod);
        if (spec == null) {
            problems.add("", "the body is required: {\"node\", \"ip\", \"labels\", \"namedPorts\"}");
            problems.throwIfAny();
            return null;
        }
        problems.dnsSubdomain("node", spec.node());
        if (problems.required("ip", spec.ip())) {
            try {
                Ipv4Cidr.parseAddress(spec.ip());
            } catch (IllegalArgumentException e) {
                problems.add("ip", "'" + spec.ip() + "' is not an IPv4 address");
            }
        }
        problems.labelMap("labels", spec.labels());
        List<NamedPort> ports = namedPorts(spec.namedPorts(), problems);
        problems.throwIfAny();
        return new EndpointSpec(spec.node(), spec.ip(), spec.labels(), ports);
    }

    private static List<NamedPort> namedPorts(List<NamedPort> ports, FieldProblems problems) {
        List<NamedPort> out = new ArrayList<>(ports.size());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            String at = "namedPorts[" + i + "]";
            NamedPort port = ports.get(i);
            if (port == null) {
                problems.add(at, "must be an object {\"name\", \"port\", \"protocol\"}");
                continue;
            }
            if (problems.required(at + ".name", port.name())) {
                if (port.name().length() > 15 || !PORT_NAME.matcher(port.name()).matches()) {
                    problems.add(at + ".name", "'" + port.name() + "' is not a port name (at most 15 characters of [a-z0-9-], "
                            + "with a letter, no '-' at either end or twice in a row)");
                } else if (!names.add(port.name())) {
                    problems.add(at + ".name", "'" + port.name() + "' is used by an earlier named port");
                }
            }
            if (port.port() < 1 || port.port() > 65535) {
                problems.add(at + ".port", "must be between 1 and 65535, got " + port.port());
            }
            String protocol = port.protocol() == null ? "TCP" : port.protocol();
            if (!PROTOCOLS.contains(protocol)) {
                problems.add(at + ".protocol", "'" + protocol + "' is not one of TCP, UDP, SCTP");
            }
            out.add(new NamedPort(port.name(), port.port(), protocol));
        }
        return out;
    }
}
