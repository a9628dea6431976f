package io.septum.cli.lab;

import io.septum.model.policy.FieldCursor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A label change as {@code kubectl label} writes it: {@code key=value} sets (an empty value is allowed),
 * {@code key-} removes. Keys and values are checked as Kubernetes checks them, and a key may appear only
 * once per change, so the result never depends on the order of the arguments.
 */
public record LabelChange(Map<String, String> set, List<String> remove) {

    public LabelChange {
        set = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(set));
        remove = List.copyOf(remove);
    }

    public static LabelChange parse(List<String> arguments) {
        Map<String, String> set = new LinkedHashMap<>();
        List<String> remove = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String argument : arguments) {
            int eq = argument.indexOf('=');
            String key;
            if (eq > 0) {
                key = argument.substring(0, eq);
                String value = argument.substring(eq + 1);
                FieldCursor.labelValueProblem(value).ifPresent(p -> problems.add("'" + argument + "': " + p));
                if (set.containsKey(key) || remove.contains(key)) {
                    problems.add("'" + argument + "': label " + key + " is changed twice");
                }
                set.put(key, value);
            } else if (eq < 0 && argument.endsWith("-") && argument.length() > 1) {
                key = argument.substring(0, argument.length() - 1);
                if (set.containsKey(key) || remove.contains(key)) {
                    problems.add("'" + argument + "': label " + key + " is changed twice");
                }
                remove.add(key);
            } else {
                problems.add("'" + argument + "': expected KEY=VALUE to set a label or KEY- to remove one");
                continue;
            }
            FieldCursor.labelKeyProblem(key).ifPresent(p -> problems.add("'" + argument + "': " + p));
        }
        if (arguments.isEmpty()) {
            problems.add("no label changes given (KEY=VALUE or KEY-)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new LabelChange(set, remove);
    }

    public Map<String, String> applyTo(Map<String, String> labels) {
        Map<String, String> out = new LinkedHashMap<>(labels);
        remove.forEach(out::remove);
        out.putAll(set);
        return out;
    }
}
