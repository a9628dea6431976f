package io.septum.model.labels;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable set of labels with at most one value per qualified key, sorted, so that equal sets have
 * equal text forms: the text form is what identities are allocated for.
 */
public final class Labels {

    public static final Labels EMPTY = new Labels(new TreeMap<>());

    private final SortedMap<String, Label> byQualifiedKey;
    /** Each plain key's value in the first source (sorted order) that has it: what {@code any:key} selects. */
    private final Map<String, String> anySource;

    private Labels(SortedMap<String, Label> byQualifiedKey) {
        this.byQualifiedKey = Collections.unmodifiableSortedMap(byQualifiedKey);
        Map<String, String> any = new java.util.HashMap<>();
        for (Label label : byQualifiedKey.values()) {
            any.putIfAbsent(label.key(), label.value());
        }
        this.anySource = any;
    }

    public static Labels of(Collection<Label> labels) {
        SortedMap<String, Label> map = new TreeMap<>();
        for (Label label : labels) {
            Label previous = map.put(label.qualifiedKey(), label);
            if (previous != null && !previous.equals(label)) {
                throw new IllegalArgumentException("label " + label.qualifiedKey() + " given twice with values '"
                        + previous.value() + "' and '" + label.value() + "'");
            }
        }
        return new Labels(map);
    }

    public static Labels of(Label... labels) {
        return of(List.of(labels));
    }

    /** Parses the text form of each label ({@code source:key=value}). */
    public static Labels parse(Collection<String> texts) {
        List<Label> labels = new ArrayList<>(texts.size());
        for (String text : texts) {
            labels.add(Label.parse(text));
        }
        return of(labels);
    }

    /** Labels of one source from a plain Kubernetes-style map. */
    public static Labels fromMap(String source, Map<String, String> map) {
        List<Label> labels = new ArrayList<>(map.size());
        map.forEach((k, v) -> labels.add(new Label(source, k, v)));
        return of(labels);
    }

    public Optional<Label> get(String qualifiedKey) {
        return Optional.ofNullable(byQualifiedKey.get(qualifiedKey));
    }

    /**
     * The value of a label under a selector key: {@code source:key} looks up exactly that label;
     * {@code any:key} the first label with that key in any source.
     */
    public Optional<String> valueForSelectorKey(String selectorKey) {
        Label exact = byQualifiedKey.get(selectorKey);
        if (exact != null) {
            return Optional.of(exact.value());
        }
        if (selectorKey.startsWith(Label.SOURCE_ANY + ":")) {
            return Optional.ofNullable(anySource.get(selectorKey.substring(Label.SOURCE_ANY.length() + 1)));
        }
        return Optional.empty();
    }

    public Collection<Label> all() {
        return byQualifiedKey.values();
    }

    public boolean isEmpty() {
        return byQualifiedKey.isEmpty();
    }

    public int size() {
        return byQualifiedKey.size();
    }

    public Labels with(Labels more) {
        List<Label> merged = new ArrayList<>(all());
        merged.addAll(more.all());
        return of(merged);
    }

    /** The sorted text forms, as stored and sent over the wire. */
    public List<String> toStrings() {
        List<String> out = new ArrayList<>(byQualifiedKey.size());
        for (Label label : byQualifiedKey.values()) {
            out.add(label.toString());
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Labels other && byQualifiedKey.equals(other.byQualifiedKey);
    }

    @Override
    public int hashCode() {
        return byQualifiedKey.hashCode();
    }

    /** The canonical key of this set: sorted text forms joined by ';'. */
    @Override
    public String toString() {
        return String.join(";", toStrings());
    }
}
