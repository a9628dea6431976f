package io.septum.cli.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A label change as {@code kubectl label} writes it: {@code key=value} sets, {@code key-} removes.
 */
public record LabelChange(Map<String, String> set, List<String> remove) {

    public static LabelChange parse(List<String> arguments) {
        Map<String, String> set = new LinkedHashMap<>();
        List<String> remove = new ArrayList<>();
        for (String argument : arguments) {
            int eq = argument.indexOf('=');
            if (eq > 0) {
                set.put(argument.substring(0, eq), argument.substring(eq + 1));
            } else if (argument.endsWith("-") && argument.length() > 1) {
                remove.add(argument.substring(0, argument.length() - 1));
            } else {
                throw new IllegalArgumentException("'" + argument + "': expected KEY=VALUE to set a label or KEY- to remove one");
            }
        }
        if (set.isEmpty() && remove.isEmpty()) {
            throw new IllegalArgumentException("no label changes given (KEY=VALUE or KEY-)");
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
