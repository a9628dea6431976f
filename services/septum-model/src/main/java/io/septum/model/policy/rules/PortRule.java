package io.septum.model.policy.rules;

import io.septum.model.policy.Protocol;

/**
 * A protocol and a port, a port range or a port name. {@code port} 0 with no name means every port of the
 * protocol; a name is resolved against the destination pod's container ports by the enforcer.
 */
public record PortRule(Protocol protocol, int port, int endPort, String portName) {

    public PortRule {
        if (portName != null && port != 0) {
            throw new IllegalArgumentException("a port rule has either a number or a name, not both");
        }
        if (endPort != 0 && endPort < port) {
            throw new IllegalArgumentException("endPort " + endPort + " is below port " + port);
        }
    }

    public static PortRule allPorts(Protocol protocol) {
        return new PortRule(protocol, 0, 0, null);
    }

    public static PortRule port(Protocol protocol, int port) {
        return new PortRule(protocol, port, 0, null);
    }

    public boolean isNamed() {
        return portName != null;
    }

    /** Last port of the range (the port itself when there is no range). */
    public int lastPort() {
        return endPort == 0 ? port : endPort;
    }

    @Override
    public String toString() {
        String what = isNamed() ? portName : port == 0 ? "*" : endPort == 0 ? Integer.toString(port) : port + "-" + endPort;
        return what + "/" + protocol;
    }
}
