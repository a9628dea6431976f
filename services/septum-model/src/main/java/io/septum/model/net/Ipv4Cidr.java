package io.septum.model.net;

/**
 * An IPv4 prefix, normalized (host bits zero). {@code address} holds the 32 bits as an int in
 * network bit order (the first octet in the top byte).
 */
public record Ipv4Cidr(int address, int length) implements Comparable<Ipv4Cidr> {

    public Ipv4Cidr {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("prefix length must be 0-32: " + length);
        }
        address &= mask(length);
    }

    /** Parses {@code a.b.c.d/len} or a bare address (a /32). Host bits are cleared. */
    public static Ipv4Cidr parse(String text) {
        int slash = text.indexOf('/');
        int length = 32;
        if (slash >= 0) {
            String len = text.substring(slash + 1);
            if (len.isEmpty() || len.length() > 2 || !len.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("invalid prefix length in '" + text + "'");
            }
            length = Integer.parseInt(len);
        }
        return new Ipv4Cidr(parseAddress(slash >= 0 ? text.substring(0, slash) : text), length);
    }

    /** True when {@code text} is an IPv4 address or prefix (as opposed to IPv6 or garbage). */
    public static boolean looksLikeIpv4(String text) {
        return text.indexOf(':') < 0 && text.chars().anyMatch(c -> c == '.');
    }

    public static int parseAddress(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("invalid IPv4 address '" + text + "'");
        }
        int address = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || (part.length() > 1 && part.charAt(0) == '0')) {
                throw new IllegalArgumentException("invalid IPv4 address '" + text + "'");
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw new IllegalArgumentException("invalid IPv4 address '" + text + "'");
            }
            address = (address << 8) | octet;
        }
        return address;
    }

    public static String formatAddress(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "." + (address & 0xff);
    }

    public static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    public boolean contains(int otherAddress) {
        return (otherAddress & mask(length)) == address;
    }

    /** True when every address of {@code other} is in this prefix. */
    public boolean contains(Ipv4Cidr other) {
        return other.length >= length && contains(other.address);
    }

    @Override
    public int compareTo(Ipv4Cidr o) {
        int c = Integer.compareUnsigned(address, o.address);
        return c != 0 ? c : Integer.compare(length, o.length);
    }

    @Override
    public String toString() {
        return formatAddress(address) + "/" + length;
    }
}
