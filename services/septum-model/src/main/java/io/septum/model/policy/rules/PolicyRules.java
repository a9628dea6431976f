package io.septum.model.policy.rules;

import io.septum.model.labels.EndpointSelector;
import io.septum.model.policy.Direction;
import io.septum.model.policy.PolicyRef;

import java.util.List;
import java.util.Set;

/**
 * What one policy object means for the enforcer: the endpoints it selects ({@code subject}), the
 * directions in which it isolates them (default deny once selected, as Kubernetes defines it), and its rules.
 */
public record PolicyRules(PolicyRef ref, EndpointSelector subject, Set<Direction> isolates, List<PolicyRule> rules) {

    public PolicyRules {
        isolates = Set.copyOf(isolates);
        rules = List.copyOf(rules);
    }
}
