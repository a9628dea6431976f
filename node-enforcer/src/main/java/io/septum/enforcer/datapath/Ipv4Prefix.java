package io.septum.enforcer.datapath;

import java.net.Inet4Address;
import java.util.Objects;

/**
 * An IPv4 prefix such as 10.0.0.0/8. Canonical: bits beyond the prefix are zero (the LPM maps would
 * otherwise keep them, and two spellings of one prefix would be two keys).
 */
public record Ipv4Prefix(Inet4Address address, int length) {

    public Ipv4Prefix {
        Objects.requireNonNull(address, "address");
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("prefix length must be 0-32: " + length);
        }
        if ((Ipv4.bits(address) & ~mask(length)) != 0) {
            throw new IllegalArgumentException(address.getHostAddress() + "/" + length + " has host bits set");
        }
    }

    /** "10.0.0.0/8"; a bare address is a /32. */
    public static Ipv4Prefix parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return host(Ipv4.parse(text));
        }
        String length = text.substring(slash + 1);
        if (length.isEmpty() || length.length() > 2 || !length.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("not an IPv4 prefix: " + text);
        }
        return new Ipv4Prefix(Ipv4.parse(text.substring(0, slash)), Integer.parseInt(length));
    }

    public static Ipv4Prefix host(Inet4Address address) {
        return new Ipv4Prefix(address, 32);
    }

    /** The prefix of {@code length} bits that contains {@code address}. */
    public static Ipv4Prefix containing(Inet4Address address, int length) {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("prefix length must be 0-32: " + length);
        }
        return new Ipv4Prefix(Ipv4.address(Ipv4.bits(address) & mask(length)), length);
    }

    public boolean contains(Inet4Address candidate) {
        return (Ipv4.bits(candidate) & mask(length)) == Ipv4.bits(address);
    }

    private static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + length;
    }
}
