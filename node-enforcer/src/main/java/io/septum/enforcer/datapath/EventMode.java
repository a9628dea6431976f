package io.septum.enforcer.datapath;

import java.util.Locale;

/**
 * Which packets emit a flow event: the node-wide mode in the datapath's {@code flow_config} map. Mirrors
 * {@code enum event_mode} in bpf-src/lib/event_modes.h, the one definition; a test compares the two.
 */
public enum EventMode {
    /** One event per new connection and per drop (the default, also of a map nobody wrote yet). */
    CONNECTIONS(0),
    /** No events at all; the metrics still count every packet and drop. */
    OFF(1),
    /** One event per packet (trace mode): packets of known connections as FORWARDED too. */
    PACKETS(2);

    /** The packaged copy of the C definition, for checks. */
    public static final String HEADER_RESOURCE = "bpf/event_modes.h";

    private final int code;

    EventMode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static EventMode of(int code) {
        for (EventMode m : values()) {
            if (m.code == code) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown event mode code " + code);
    }

    /** By name as options spell it: off, connections, packets (any case). */
    public static EventMode parse(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("flow event mode '" + name + "': expected off, connections or packets", e);
        }
    }

    /** The name as options spell it. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
