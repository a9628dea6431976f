package io.septum.enforcer.controlplane.mapstate;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an inclusive port range into the fewest aligned prefixes, so a range costs at most 30 map
 * entries instead of one per port (1–65535 becomes 16 prefixes; 0 is never a port).
 */
public final class PortPrefixes {

    /** One aligned block: {@code port} with its first {@code bits} bits significant. */
    public record PortPrefix(int port, int bits) {
    }

    private PortPrefixes() {
    }

    public static List<PortPrefix> of(int first, int last) {
        if (first < 0 || last > 65535 || first > last) {
            throw new IllegalArgumentException("invalid port range " + first + "-" + last);
        }
        if (first == 0 && last == 65535) {
            return List.of(new PortPrefix(0, 0));
        }
        List<PortPrefix> out = new ArrayList<>();
        long start = first;
        while (start <= last) {
            // Largest block aligned at start that stays within the range.
            long size = start == 0 ? 1 << 16 : start & -start;
            while (start + size - 1 > last) {
                size >>= 1;
            }
            out.add(new PortPrefix((int) start, 16 - Long.numberOfTrailingZeros(size)));
            start += size;
        }
        return out;
    }
}
