package io.septum.enforcer.datapath;

/** Direction of a packet from the pod's point of view; codes as in bpf-src/lib/common.h (enum direction). */
public enum Direction {
    /** Toward the pod: the tc egress hook of the host-side veth (program to_container). */
    INGRESS(0),
    /** From the pod: the tc ingress hook of the host-side veth (program from_container). */
    EGRESS(1);

    private final int code;

    Direction(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** values() clones its array on every call; of() runs for every policy map key an enforcer makes. */
    private static final Direction[] ALL = values();

    public static Direction of(int code) {
        for (Direction d : ALL) {
            if (d.code == code) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown direction code " + code);
    }
}
