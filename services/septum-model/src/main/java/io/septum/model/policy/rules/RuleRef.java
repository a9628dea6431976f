package io.septum.model.policy.rules;

import io.septum.model.policy.Direction;
import io.septum.model.policy.PolicyRef;

/** Names one rule: the policy, the direction and the rule's index in that direction's list. */
public record RuleRef(PolicyRef policy, Direction direction, int index) {

    @Override
    public String toString() {
        return policy + " " + direction.name().toLowerCase(java.util.Locale.ROOT) + "[" + index + "]";
    }
}
