package io.septum.model.policy;

import java.util.Locale;
import java.util.Optional;

/** L4 protocols a port rule can name, with their IANA numbers as the datapath uses them. */
public enum Protocol {
    TCP(6), UDP(17), SCTP(132), ICMP(1);

    private final int number;

    Protocol(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    public static Optional<Protocol> parse(String text) {
        try {
            return Optional.of(valueOf(text.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public static Optional<Protocol> ofNumber(int number) {
        for (Protocol p : values()) {
            if (p.number == number) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
