package io.septum.enforcer.datapath;

import java.net.Inet4Address;
import java.util.Objects;

/**
 * A tracked connection of an endpoint (struct ct_key), seen from the pod: ports in host order.
 *
 * @param peerPort            TCP/UDP/SCTP peer port; ICMP echo: the echo id; else 0
 * @param localPort           TCP/UDP/SCTP pod port; ICMP echo: the echo id; else 0
 * @param connectionDirection direction of the packet that opened the connection
 */
public record ConntrackKey(int endpointId, Inet4Address peerAddress, int peerPort, int localPort, int protocol,
        Direction connectionDirection) {

    public ConntrackKey {
        Objects.requireNonNull(peerAddress, "peerAddress");
        Objects.requireNonNull(connectionDirection, "connectionDirection");
    }
}
