package io.septum.enforcer.controlplane.resolve;

import io.septum.enforcer.controlplane.mapstate.MapState;
import io.septum.model.policy.rules.RuleRef;

import io.septum.model.policy.Direction;

import java.util.LinkedHashMap;
import java.util.Set;
import java.util.Map;

/**
 * An endpoint's resolved policy: the entries, what they were computed from, and how many keys each rule
 * produced (before merging and deny precedence) — which is what explains an endpoint whose policy is too big.
 *
 * @param audited directions whose policy drops the datapath must let through as AUDIT (endpoint flags)
 */
public record Resolution(MapState state, PolicyInputs inputs, Map<RuleRef, Integer> keysByRule, Set<Direction> audited) {

    public Resolution {
        keysByRule = Map.copyOf(keysByRule);
        audited = Set.copyOf(audited);
    }

    /** The {@code limit} rules that produced the most keys, largest first. */
    public Map<RuleRef, Integer> largestRules(int limit) {
        Map<RuleRef, Integer> out = new LinkedHashMap<>();
        keysByRule.entrySet().stream()
                .sorted(Map.Entry.<RuleRef, Integer>comparingByValue().reversed().thenComparing(e -> e.getKey().toString()))
                .limit(limit)
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
