package io.septum.identity.allocation;

import io.quarkus.runtime.Startup;
import io.septum.model.labels.Label;
import io.septum.model.labels.Labels;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Decides which labels count for identity. Labels that differ between pods of one workload (pod-template-hash,
 * controller-revision-hash, …) must not, or every pod gets an identity of its own and identities explode. Only
 * k8s labels are filtered; reserved and other sources always count. Invalid rules fail the start-up.
 */
@Startup
@Singleton
public class IdentityLabelFilter {

    private record Rule(boolean keep, Pattern key) {
    }

    /** Beyond this many remembered keys the memory starts over (keys are few in practice: one per label name). */
    private static final int MAX_REMEMBERED = 10_000;

    private final List<Rule> rules;
    /** The decision for each key seen: allocation asks for every label of every request. */
    private final Map<String, Boolean> decided = new ConcurrentHashMap<>();

    @Inject
    IdentityLabelFilter(IdentityConfig config) {
        this(Arrays.stream(config.labelRules().split(",")).map(String::strip).filter(rule -> !rule.isEmpty()).toList());
    }

    /** For a fixed rule list (tests); see {@link IdentityConfig#labelRules()} for the syntax. */
    public IdentityLabelFilter(List<String> rules) {
        List<Rule> parsed = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            String rule = rules.get(i).strip();
            String where = "septum.identity.label-rules[" + i + "] '" + rule + "'";
            if (rule.length() < 2 || (rule.charAt(0) != '+' && rule.charAt(0) != '-')) {
                throw new IllegalArgumentException(where + ": must be +regex (keep) or -regex (drop)");
            }
            try {
                parsed.add(new Rule(rule.charAt(0) == '+', Pattern.compile(rule.substring(1))));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(where + ": invalid regex: " + e.getDescription(), e);
            }
        }
        this.rules = List.copyOf(parsed);
    }

    /** Whether a k8s label with this key counts for identity. */
    public boolean keeps(String key) {
        Boolean known = decided.get(key);
        if (known != null) {
            return known;
        }
        if (decided.size() >= MAX_REMEMBERED) {
            decided.clear();
        }
        boolean keep = decide(key);
        decided.put(key, keep);
        return keep;
    }

    private boolean decide(String key) {
        for (Rule rule : rules) {
            if (rule.key.matcher(key).matches()) {
                return rule.keep;
            }
        }
        return true;
    }

    /** The identity-relevant labels of a set. */
    public Labels relevant(Labels labels) {
        List<Label> kept = new ArrayList<>(labels.size());
        for (Label label : labels.all()) {
            if (!Label.SOURCE_K8S.equals(label.source()) || keeps(label.key())) {
                kept.add(label);
            }
        }
        return kept.size() == labels.size() ? labels : Labels.of(kept);
    }
}
