package io.septum.enforcer.datapath;

/** What the datapath did with a packet; codes as in bpf-src/lib/common.h (enum verdict). */
public enum Verdict {
    FORWARDED(0),
    DROPPED(1),
    /** Policy would have dropped it, but the endpoint audits that direction: let through and reported. */
    AUDIT(2);

    private final int code;

    Verdict(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Verdict of(int code) {
        for (Verdict v : values()) {
            if (v.code == code) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown verdict code " + code);
    }
}
