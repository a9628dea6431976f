package io.septum.enforcer.datapath;

/**
 * Why the datapath dropped (or, in audit mode, would have dropped) a packet. Mirrors the X-macro list in
 * bpf-src/lib/drop_reasons.h, the one definition; a test compares the two entry by entry, so add a reason
 * there first, then here, with the same code, name and description.
 */
public enum DropReason {
    NONE(0, "none (forwarded)"),
    POLICY_DENIED(1, "no policy rule allows it (default deny)"),
    POLICY_DENY_RULE(2, "denied by a deny rule"),
    UNKNOWN_ENDPOINT(3, "interface is not a known endpoint"),
    INVALID_SOURCE_IP(4, "source address is not the endpoint's"),
    UNSUPPORTED_L3(5, "unsupported L3 protocol"),
    MALFORMED_PACKET(6, "truncated or invalid headers"),
    FRAGMENT_UNSUPPORTED(7, "IP fragments are not supported");

    /** The packaged copy of the C definition, for checks. */
    public static final String HEADER_RESOURCE = "bpf/drop_reasons.h";

    private final int code;
    private final String description;

    DropReason(int code, String description) {
        this.code = code;
        this.description = description;
    }

    public int code() {
        return code;
    }

    public String description() {
        return description;
    }

    public static DropReason of(int code) {
        for (DropReason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown drop reason code " + code + " (is the BPF object newer than this enforcer?)");
    }
}
