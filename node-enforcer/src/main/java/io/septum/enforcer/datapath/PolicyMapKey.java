package io.septum.enforcer.datapath;

/**
 * One policy map key (struct policy_key): which packets of an endpoint an entry applies to.
 *
 * <p>{@code prefixBits} counts the bits matched beyond the always-exact endpoint, identity and direction:
 * 0 = any protocol and port, 8 = this protocol on any port, 8 + k = this protocol and the first k bits of
 * the destination port (a port range is split into such prefixes by the control plane), 24 = exactly this
 * port. Bits beyond the prefix must be zero. For ICMP the "port" is the ICMP type.
 *
 * @param endpointId the endpoint's {@link EndpointInfo#endpointId()}
 * @param identity   the peer's identity; 0 = any peer
 * @param direction  {@link Direction#code()}
 * @param protocol   IP protocol number, 0 with {@code prefixBits} 0
 * @param port       destination port in host order (ICMP: type)
 * @param prefixBits 0, 8 or 9-24
 */
public record PolicyMapKey(int endpointId, int identity, int direction, int protocol, int port, int prefixBits) {

    /** ep_id, identity and direction: always matched. */
    public static final int FIXED_BITS = 72;
    public static final int PROTOCOL_BITS = 8;
    public static final int FULL_BITS = 24;

    public PolicyMapKey {
        if (endpointId == 0) {
            throw new IllegalArgumentException("endpoint id 0 is reserved");
        }
        Direction.of(direction);
        if (protocol < 0 || protocol > 255) {
            throw new IllegalArgumentException("protocol must be 0-255: " + protocol);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535: " + port);
        }
        if (prefixBits < 0 || prefixBits > FULL_BITS || (prefixBits > 0 && prefixBits < PROTOCOL_BITS)) {
            throw new IllegalArgumentException("prefixBits must be 0, 8 or 9-24: " + prefixBits);
        }
        if (prefixBits == 0 && protocol != 0) {
            throw new IllegalArgumentException("an any-protocol key has protocol 0, not " + protocol);
        }
        int portBits = Math.max(0, prefixBits - PROTOCOL_BITS);
        if ((port & (0xffff >>> portBits)) != 0) {
            throw new IllegalArgumentException("port " + port + " has bits beyond its /" + portBits + " prefix");
        }
    }

    public static PolicyMapKey anyProtocol(int endpointId, int identity, Direction direction) {
        return new PolicyMapKey(endpointId, identity, direction.code(), 0, 0, 0);
    }

    public static PolicyMapKey anyPort(int endpointId, int identity, Direction direction, int protocol) {
        return new PolicyMapKey(endpointId, identity, direction.code(), protocol, 0, PROTOCOL_BITS);
    }

    public static PolicyMapKey exactPort(int endpointId, int identity, Direction direction, int protocol, int port) {
        return new PolicyMapKey(endpointId, identity, direction.code(), protocol, port, FULL_BITS);
    }

    /** Ports {@code port} .. {@code port + 2^(16 - portBits) - 1}. */
    public static PolicyMapKey portPrefix(int endpointId, int identity, Direction direction, int protocol, int port, int portBits) {
        return new PolicyMapKey(endpointId, identity, direction.code(), protocol, port, PROTOCOL_BITS + portBits);
    }

    /** The LPM prefix length the kernel sees: {@link #FIXED_BITS} + {@code prefixBits}. */
    public int prefixLength() {
        return FIXED_BITS + prefixBits;
    }
}
