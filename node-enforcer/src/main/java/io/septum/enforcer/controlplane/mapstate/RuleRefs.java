package io.septum.enforcer.controlplane.mapstate;

import io.septum.model.policy.rules.PolicyRules;
import io.septum.model.policy.rules.RuleRef;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Numbers for rules, written into policy entries so that a flow can name the rule that decided it.
 * The number is {@link RuleRef#number()}, a hash of the rule's name, so it is the same after an enforcer
 * restart, on every node and in flow-service (a restarted enforcer finds its pinned entries already right).
 * 0 means "no rule".
 */
public final class RuleRefs {

    private final Map<Integer, RuleRef> byNumber = new HashMap<>();

    public int numberOf(RuleRef ref) {
        int number = ref.number();
        byNumber.put(number, ref);
        return number;
    }

    public Optional<RuleRef> lookup(int number) {
        return Optional.ofNullable(byNumber.get(number));
    }

    /** Knows exactly the rules of {@code policies} (also those of endpoints not recomputed since). */
    public void reset(Collection<PolicyRules> policies) {
        byNumber.clear();
        for (PolicyRules rules : policies) {
            rules.rules().forEach(rule -> numberOf(rule.ref()));
        }
    }
}
