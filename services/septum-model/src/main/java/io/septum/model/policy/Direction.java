package io.septum.model.policy;

/** Traffic direction relative to the selected endpoint; the numbers are the datapath's. */
public enum Direction {
    INGRESS(0), EGRESS(1);

    private final int code;

    Direction(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Direction ofCode(int code) {
        return switch (code) {
            case 0 -> INGRESS;
            case 1 -> EGRESS;
            default -> throw new IllegalArgumentException("unknown direction code " + code);
        };
    }
}
