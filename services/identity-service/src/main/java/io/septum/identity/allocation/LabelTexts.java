package io.septum.identity.allocation;

import io.septum.identity.api.FieldProblems;
import io.septum.model.identity.ReservedIdentity;
import io.septum.model.labels.Label;
import io.septum.model.labels.Labels;
import io.septum.model.policy.FieldCursor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Reads label texts ({@code source:key=value}) given to the API. Keys and values follow Kubernetes' label rules,
 * whatever the source, so no text contains the ';' that separates labels in the canonical form. A reserved label
 * names a reserved identity and stands alone: {@code reserved:world} plus anything else is no identity.
 */
final class LabelTexts {

    private static final String RESERVED_NAMES = Arrays.stream(ReservedIdentity.values())
            .map(ReservedIdentity::entityName).collect(Collectors.joining(", "));

    private static final int MAX_REMEMBERED_KEYS = 10_000;
    private static final Map<String, List<String>> KEY_PROBLEMS = new ConcurrentHashMap<>();

    private LabelTexts() {
    }

    /** The label set of {@code texts} (field {@code path}); every problem goes to {@code problems}. */
    static Labels read(String path, List<String> texts, FieldProblems problems) {
        if (texts == null || texts.isEmpty()) {
            problems.add(path, "must list at least one label");
            return Labels.EMPTY;
        }
        List<Label> labels = new ArrayList<>(texts.size());
        int[] indexes = new int[texts.size()]; // of the kept labels in texts, for their paths (made only for a problem)
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            Label label = readOne(path, i, texts.get(i), problems);
            if (label == null) {
                continue;
            }
            String before = seen.putIfAbsent(label.qualifiedKey(), label.value());
            if (before != null && !before.equals(label.value())) {
                problems.add(at(path, i), "label " + label.qualifiedKey() + " is given twice, with values '" + before + "' and '" + label.value() + "'");
                continue;
            }
            if (before == null) {
                indexes[labels.size()] = i;
                labels.add(label);
            }
        }
        checkReserved(labels, path, indexes, problems);
        return problems.isEmpty() ? Labels.of(labels) : Labels.EMPTY;
    }

    private static String at(String path, int index) {
        return path + "[" + index + "]";
    }

    private static Label readOne(String path, int index, String text, FieldProblems problems) {
        if (text == null || text.isEmpty()) {
            problems.add(at(path, index), "must not be empty");
            return null;
        }
        Label label;
        try {
            label = Label.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(at(path, index), "'" + text + "' is not a label (source:key=value): " + e.getMessage());
            return null;
        }
        int before = problems.size();
        for (String problem : keyProblems(label)) {
            problems.add(at(path, index), problem);
        }
        if (!plainValue(label.value())) { // the rare value that needs a closer look gets FieldCursor's verdict and words
            FieldCursor.labelValueProblem(label.value()).ifPresent(problem -> problems.add(at(path, index), problem));
        }
        return problems.size() == before ? label : null;
    }

    /**
     * Whether a label value is certainly valid, decided without a regex (every label of every allocation passes here):
     * empty, or at most 63 of [A-Za-z0-9-_.] starting and ending alphanumeric — Kubernetes' rule, as FieldCursor has it.
     */
    static boolean plainValue(String value) {
        int n = value.length();
        if (n == 0) {
            return true;
        }
        if (n > 63 || !alphanumeric(value.charAt(0)) || !alphanumeric(value.charAt(n - 1))) {
            return false;
        }
        for (int i = 1; i < n - 1; i++) {
            char c = value.charAt(i);
            if (!alphanumeric(c) && c != '-' && c != '_' && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean alphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** What is wrong with the label's source and key, remembered per qualified key: keys repeat, values vary. */
    private static List<String> keyProblems(Label label) {
        List<String> known = KEY_PROBLEMS.get(label.qualifiedKey());
        if (known != null) {
            return known;
        }
        List<String> found = new ArrayList<>(2);
        if (!FieldCursor.isDnsLabel(label.source())) {
            found.add("source '" + label.source() + "' is invalid: must be a DNS label such as k8s");
        }
        FieldCursor.labelKeyProblem(label.key()).ifPresent(found::add);
        if (KEY_PROBLEMS.size() >= MAX_REMEMBERED_KEYS) {
            KEY_PROBLEMS.clear();
        }
        KEY_PROBLEMS.put(label.qualifiedKey(), List.copyOf(found));
        return found;
    }

    private static void checkReserved(List<Label> labels, String path, int[] indexes, FieldProblems problems) {
        for (int i = 0; i < labels.size(); i++) {
            Label label = labels.get(i);
            if (!Label.SOURCE_RESERVED.equals(label.source())) {
                continue;
            }
            if (ReservedIdentity.byEntityName(label.key()).isEmpty() || !label.value().isEmpty()) {
                problems.add(at(path, indexes[i]), "'" + label + "' is not a reserved identity (reserved:<name>, name one of " + RESERVED_NAMES + ")");
            } else if (labels.size() > 1) {
                problems.add(at(path, indexes[i]), "'" + label + "' identifies a reserved identity alone and cannot be combined with other labels");
            }
        }
    }
}
