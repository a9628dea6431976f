package io.septum.identity.allocation;

import io.septum.identity.api.FieldProblems;
import io.septum.model.labels.EndpointSelector;
import io.septum.model.labels.Label;
import io.septum.model.labels.SelectorOperator;
import io.septum.model.labels.SelectorRequirement;
import io.septum.model.policy.FieldCursor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code selector} query parameter: Kubernetes' label selector syntax over qualified label keys.
 * Requirements are separated by commas and must all hold: {@code k8s:app=web} (or {@code ==}), {@code k8s:app!=web},
 * {@code k8s:tier in (a,b)}, {@code k8s:tier notin (a,b)}, {@code k8s:app} (exists), {@code !k8s:app} (does not
 * exist). A key without a source ({@code app=web}) matches the key in any source.
 */
final class SelectorQuery {

    private static final Pattern SET = Pattern.compile("(\\S+)\\s+(in|notin)\\s*\\(([^()]*)\\)");
    private static final Pattern EQUALITY = Pattern.compile("([^=!\\s()]+)\\s*(==|=|!=)\\s*([^=!\\s()]*)");
    private static final Pattern NOT_EXISTS = Pattern.compile("!\\s*([^=!\\s()]+)");
    private static final Pattern EXISTS = Pattern.compile("[^=!\\s()]+");
    private static final String SYNTAX = "key=value, key!=value, key in (a,b), key notin (a,b), key or !key";

    private SelectorQuery() {
    }

    static EndpointSelector parse(String path, String text, FieldProblems problems) {
        if (text == null || text.isBlank()) {
            return EndpointSelector.ALL;
        }
        List<SelectorRequirement> requirements = new ArrayList<>();
        for (String part : splitTopLevel(text)) {
            String requirement = part.strip();
            int before = problems.size();
            SelectorRequirement parsed = requirement(path, requirement, problems);
            if (parsed != null && problems.size() == before) {
                requirements.add(parsed);
            }
        }
        return new EndpointSelector(requirements);
    }

    private static SelectorRequirement requirement(String path, String text, FieldProblems problems) {
        Matcher m;
        if ((m = SET.matcher(text)).matches()) {
            SelectorOperator op = m.group(2).equals("in") ? SelectorOperator.In : SelectorOperator.NotIn;
            List<String> values = Arrays.stream(m.group(3).split(",", -1)).map(String::strip).toList();
            if (values.size() == 1 && values.getFirst().isEmpty()) {
                problems.add(path, "'" + text + "': the value list is empty");
                return null;
            }
            return build(path, text, m.group(1), op, values, problems);
        }
        if ((m = EQUALITY.matcher(text)).matches()) {
            SelectorOperator op = m.group(2).equals("!=") ? SelectorOperator.NotIn : SelectorOperator.In;
            return build(path, text, m.group(1), op, List.of(m.group(3)), problems);
        }
        if ((m = NOT_EXISTS.matcher(text)).matches()) {
            return build(path, text, m.group(1), SelectorOperator.DoesNotExist, List.of(), problems);
        }
        if (EXISTS.matcher(text).matches()) {
            return build(path, text, text, SelectorOperator.Exists, List.of(), problems);
        }
        problems.add(path, "'" + text + "' is not a selector requirement (" + SYNTAX + ")");
        return null;
    }

    private static SelectorRequirement build(String path, String text, String key, SelectorOperator op,
                                             List<String> values, FieldProblems problems) {
        int colon = key.indexOf(':');
        String source = colon < 0 ? Label.SOURCE_ANY : key.substring(0, colon);
        String name = key.substring(colon + 1);
        if (!FieldCursor.isDnsLabel(source)) {
            problems.add(path, "'" + text + "': source '" + source + "' is invalid: must be a DNS label such as k8s");
        }
        FieldCursor.labelKeyProblem(name).ifPresent(problem -> problems.add(path, "'" + text + "': " + problem));
        for (String value : values) {
            FieldCursor.labelValueProblem(value).ifPresent(problem -> problems.add(path, "'" + text + "': " + problem));
        }
        if ((op == SelectorOperator.In || op == SelectorOperator.NotIn) && values.size() > 1 && values.contains("")) {
            problems.add(path, "'" + text + "': the value list has an empty entry");
        }
        return new SelectorRequirement(source + ":" + name, op, values);
    }

    /** Splits at the commas that are not inside parentheses. */
    private static List<String> splitTopLevel(String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }
}
