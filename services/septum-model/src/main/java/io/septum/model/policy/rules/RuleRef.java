package io.septum.model.policy.rules;

import io.septum.model.policy.Direction;
import io.septum.model.policy.PolicyRef;

import java.util.Locale;

/**
 * Names one rule: the policy, the direction, the list of the document it comes from ({@code section}:
 * "ingress", "egressDeny", …) and the rule's index in that list.
 */
public record RuleRef(PolicyRef policy, Direction direction, int index, String section) {

    /** A rule of the direction's own list ("ingress" or "egress"), as NetworkPolicy has only those. */
    public RuleRef(PolicyRef policy, Direction direction, int index) {
        this(policy, direction, index, direction.name().toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return policy + " " + section + "[" + index + "]";
    }
}
