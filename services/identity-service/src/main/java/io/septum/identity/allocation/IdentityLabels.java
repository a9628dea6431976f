package io.septum.identity.allocation;

import io.septum.model.labels.Labels;

import java.util.List;

/**
 * The identity-relevant labels of an identity in the two forms it needs: the sorted label texts (the API, the bucket)
 * and the canonical text the identity table stores (column labels, unique), {@link Labels#toString()}: the sorted
 * texts joined by ';'. No valid label text contains ';', so the canonical text splits back into the same texts.
 * Made once per request: allocation is the hot path, and both forms are needed more than once.
 */
public record IdentityLabels(String canonical, List<String> texts) {

    static final String SEPARATOR = ";";

    public IdentityLabels {
        texts = List.copyOf(texts);
    }

    public static IdentityLabels of(Labels labels) {
        List<String> texts = labels.toStrings();
        return new IdentityLabels(String.join(SEPARATOR, texts), texts);
    }

    /** The labels of a canonical text as read from the identity table (already sorted). */
    public static IdentityLabels parse(String canonical) {
        return new IdentityLabels(canonical, List.of(canonical.split(SEPARATOR)));
    }
}
