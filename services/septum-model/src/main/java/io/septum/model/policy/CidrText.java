package io.septum.model.policy;

import io.septum.model.net.Ipv4Cidr;

import java.util.Optional;

/**
 * An IPv4 or IPv6 prefix as a policy writes it (an ipBlock, a CIDR rule), validated; errors go to the cursor.
 * IPv6 prefixes are checked and kept but match nothing in this IPv4 datapath.
 */
public record CidrText(boolean v4, Ipv4Cidr ipv4, java.math.BigInteger v6Address, int v6Length) {

    public static Optional<CidrText> parse(String text, FieldCursor at) {
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

    public boolean strictlyContains(CidrText inner) {
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
