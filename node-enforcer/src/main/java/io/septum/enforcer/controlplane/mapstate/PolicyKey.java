package io.septum.enforcer.controlplane.mapstate;

import io.septum.model.policy.Direction;

/**
 * One entry's key in an endpoint's policy state: the peer identity (0 = any), the direction, and a
 * protocol/port prefix. {@code prefixBits} counts the bits of protocol and port that must match:
 * 0 = any protocol, 8 = this protocol on any port, 8 + k = this protocol and the first k bits of the
 * port (a port range is a handful of such prefixes), 24 = exactly this port. Bits beyond the prefix are zero.
 */
public record PolicyKey(int identity, Direction direction, int protocol, int port, int prefixBits)
        implements Comparable<PolicyKey> {

    public static final int ANY_PROTOCOL = 0;
    public static final int PROTOCOL_BITS = 8;
    public static final int FULL_BITS = 24;

    public PolicyKey {
        if (prefixBits < 0 || prefixBits > FULL_BITS || (prefixBits > 0 && prefixBits < PROTOCOL_BITS)) {
            throw new IllegalArgumentException("prefixBits must be 0, 8 or 9-24: " + prefixBits);
        }
        if (prefixBits == 0 && (protocol != 0 || port != 0)) {
            throw new IllegalArgumentException("an any-protocol key has protocol and port 0");
        }
        if (protocol < 0 || protocol > 255 || port < 0 || port > 65535) {
            throw new IllegalArgumentException("protocol 0-255 and port 0-65535 expected: " + protocol + "/" + port);
        }
        int portBits = Math.max(0, prefixBits - PROTOCOL_BITS);
        int hostMask = portBits == 16 ? 0 : 0xffff >>> portBits;
        if ((port & hostMask) != 0) {
            throw new IllegalArgumentException("port " + port + " has bits beyond its /" + portBits + " prefix");
        }
    }

    public static PolicyKey anyProtocol(int identity, Direction direction) {
        return new PolicyKey(identity, direction, 0, 0, 0);
    }

    public static PolicyKey anyPort(int identity, Direction direction, int protocol) {
        return new PolicyKey(identity, direction, protocol, 0, PROTOCOL_BITS);
    }

    public static PolicyKey exactPort(int identity, Direction direction, int protocol, int port) {
        return new PolicyKey(identity, direction, protocol, port, FULL_BITS);
    }

    /** Port prefix length in bits (0–16). */
    public int portBits() {
        return Math.max(0, prefixBits - PROTOCOL_BITS);
    }

    /** True when every packet this key matches is also matched by {@code other} (same identity and direction). */
    public boolean coveredBy(PolicyKey other) {
        if (identity != other.identity || direction != other.direction || other.prefixBits > prefixBits) {
            return false;
        }
        if (other.prefixBits == 0) {
            return true;
        }
        if (protocol != other.protocol) {
            return false;
        }
        int otherPortBits = other.portBits();
        int mask = otherPortBits == 0 ? 0 : (0xffff << (16 - otherPortBits)) & 0xffff;
        return (port & mask) == other.port;
    }

    @Override
    public int compareTo(PolicyKey o) {
        int c = Integer.compare(identity, o.identity);
        if (c != 0) return c;
        c = direction.compareTo(o.direction);
        if (c != 0) return c;
        c = Integer.compare(protocol, o.protocol);
        if (c != 0) return c;
        c = Integer.compare(port, o.port);
        return c != 0 ? c : Integer.compare(prefixBits, o.prefixBits);
    }

    @Override
    public String toString() {
        String l4 = prefixBits == 0 ? "any" : protocol + (prefixBits == PROTOCOL_BITS ? "/*" : "/" + port + (portBits() < 16 ? "/" + portBits() : ""));
        return direction.name().toLowerCase(java.util.Locale.ROOT) + " id=" + identity + " " + l4;
    }
}
