package io.septum.model.policy.k8s;

import io.septum.model.labels.EndpointSelector;
import io.septum.model.labels.SelectorOperator;
import io.septum.model.labels.SelectorRequirement;
import io.septum.model.policy.FieldCursor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** A Kubernetes {@code metav1.LabelSelector}: plain label keys, matchLabels AND matchExpressions. */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {

    public record Requirement(String key, SelectorOperator operator, List<String> values) {
        public Requirement {
            values = List.copyOf(values);
        }
    }

    public LabelSelector {
        matchLabels = new TreeMap<>(matchLabels);
        matchExpressions = List.copyOf(matchExpressions);
    }

    public static final LabelSelector EMPTY = new LabelSelector(Map.of(), List.of());

    public boolean isEmpty() {
        return matchLabels.isEmpty() && matchExpressions.isEmpty();
    }

    /** This selector over identity labels, each plain key turned into a qualified one by {@code qualify}. */
    public EndpointSelector toEndpointSelector(UnaryOperator<String> qualify) {
        List<SelectorRequirement> requirements = new ArrayList<>();
        matchLabels.forEach((k, v) -> requirements.add(SelectorRequirement.equalTo(qualify.apply(k), v)));
        for (Requirement r : matchExpressions) {
            requirements.add(new SelectorRequirement(qualify.apply(r.key()), r.operator(), r.values()));
        }
        return new EndpointSelector(requirements);
    }

    /** Reads and validates a selector; absent means empty (selects everything). */
    static Optional<LabelSelector> read(FieldCursor at) {
        return read(at, FieldCursor::labelKeyProblem);
    }

    /** Reads and validates a selector whose keys {@code keyProblem} checks (Cilium's keys may carry a source). */
    public static Optional<LabelSelector> read(FieldCursor at, Function<String, Optional<String>> keyProblem) {
        if (!at.isPresent()) {
            return Optional.empty();
        }
        if (!at.requireObject(Set.of("matchLabels", "matchExpressions"))) {
            return Optional.empty();
        }
        FieldCursor labelsAt = at.field("matchLabels");
        Map<String, String> matchLabels = labelsAt.stringMap();
        matchLabels.forEach((k, v) -> {
            keyProblem.apply(k).ifPresent(labelsAt.field(k)::error);
            FieldCursor.labelValueProblem(v).ifPresent(labelsAt.field(k)::error);
        });
        List<Requirement> expressions = at.field("matchExpressions").list(r -> readRequirement(r, keyProblem));
        return Optional.of(new LabelSelector(matchLabels, expressions));
    }

    private static Optional<Requirement> readRequirement(FieldCursor at, Function<String, Optional<String>> keyProblem) {
        if (!at.requireObject(Set.of("key", "operator", "values"))) {
            return Optional.empty();
        }
        Optional<String> key = at.field("key").requiredText();
        key.flatMap(keyProblem).ifPresent(at.field("key")::error);
        FieldCursor operatorAt = at.field("operator");
        Optional<SelectorOperator> operator = operatorAt.requiredText().flatMap(text -> {
            try {
                return Optional.of(SelectorOperator.valueOf(text));
            } catch (IllegalArgumentException e) {
                operatorAt.error("unsupported operator '" + text + "' (In, NotIn, Exists, DoesNotExist)");
                return Optional.empty();
            }
        });
        FieldCursor valuesAt = at.field("values");
        List<String> values = valuesAt.list(FieldCursor::text);
        values.forEach(v -> FieldCursor.labelValueProblem(v).ifPresent(valuesAt::error));
        if (operator.isPresent()) {
            if (operator.get().takesValues() && values.isEmpty()) {
                valuesAt.error("must be non-empty when operator is " + operator.get());
                return Optional.empty();
            }
            if (!operator.get().takesValues() && !values.isEmpty()) {
                valuesAt.error("must be empty when operator is " + operator.get());
                return Optional.empty();
            }
        }
        if (key.isEmpty() || operator.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Requirement(key.get(), operator.get(), values));
    }
}
