package io.septum.model.identity;

/**
 * A security identity number. 0 means none (a wildcard in policy), 1–255 are reserved
 * ({@link ReservedIdentity}), cluster-wide identities start at {@link #FIRST_CLUSTER_LOCAL}.
 * Node-local identities (for CIDRs) have {@link #LOCAL_FLAG} set and never leave their node.
 */
public record NumericIdentity(int value) implements Comparable<NumericIdentity> {

    public static final NumericIdentity NONE = new NumericIdentity(0);
    public static final int FIRST_CLUSTER_LOCAL = 256;
    /** Upper bound (exclusive) of cluster-wide identities: 24 bits, as in Cilium. */
    public static final int MAX_CLUSTER_WIDE = 1 << 24;
    public static final int LOCAL_FLAG = 1 << 24;

    public NumericIdentity {
        if (value < 0) {
            throw new IllegalArgumentException("identity must not be negative: " + value);
        }
    }

    public static NumericIdentity of(int value) {
        return new NumericIdentity(value);
    }

    public boolean isReserved() {
        return value > 0 && value < FIRST_CLUSTER_LOCAL;
    }

    public boolean isNodeLocal() {
        return (value & LOCAL_FLAG) != 0;
    }

    @Override
    public int compareTo(NumericIdentity o) {
        return Integer.compare(value, o.value);
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
