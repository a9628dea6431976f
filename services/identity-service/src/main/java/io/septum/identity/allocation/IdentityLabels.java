package io.septum.identity.allocation;

import io.septum.model.labels.Labels;

import java.util.Arrays;

/**
 * The canonical text of a label set, as the identity table stores it (column labels, unique): {@link Labels#toString()},
 * the sorted label texts joined by ';'. No valid label text contains ';', so the text parses back to the same set.
 */
public final class IdentityLabels {

    static final String SEPARATOR = ";";

    private IdentityLabels() {
    }

    public static String canonical(Labels labels) {
        return labels.toString();
    }

    public static Labels parse(String canonical) {
        return Labels.parse(Arrays.asList(canonical.split(SEPARATOR)));
    }
}
