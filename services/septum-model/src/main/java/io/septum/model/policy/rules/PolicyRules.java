package io.septum.model.policy.rules;

import io.septum.model.labels.EndpointSelector;
import io.septum.model.policy.Direction;
import io.septum.model.policy.PolicyRef;

import java.util.List;
import java.util.Set;

/**
 * What one policy object means for the enforcer about one subject: the endpoints it selects ({@code subject}), the
 * directions in which it isolates them (default deny once selected, as Kubernetes defines it), and its rules.
 * A policy object has one of these per subject (see {@link io.septum.model.policy.PolicyObject#toRules()}): a
 * Cilium policy with several {@code specs} has several, all with the object's {@code ref}.
 *
 * @param audit          the policy is in audit mode: endpoints it selects have would-be drops, in the directions
 *                       it isolates or denies, let through and reported as AUDIT instead
 * @param notEnforceable field paths (with why) of parts of the document the datapath cannot enforce, such as L7
 *                       rules; the rules they are in are left out (they allow nothing), so the policy errs
 *                       towards dropping, and enforcers and policy-service report these paths
 */
public record PolicyRules(PolicyRef ref, EndpointSelector subject, Set<Direction> isolates, List<PolicyRule> rules,
                          boolean audit, List<String> notEnforceable) {

    public PolicyRules {
        isolates = Set.copyOf(isolates);
        rules = List.copyOf(rules);
        notEnforceable = List.copyOf(notEnforceable);
    }

    /** An enforced (not audited), fully enforceable policy. */
    public PolicyRules(PolicyRef ref, EndpointSelector subject, Set<Direction> isolates, List<PolicyRule> rules) {
        this(ref, subject, isolates, rules, false, List.of());
    }

    /** The directions in which this policy can make the datapath drop: those it isolates and those it denies in. */
    public Set<Direction> dropsIn() {
        Set<Direction> out = new java.util.HashSet<>(isolates);
        rules.stream().filter(r -> r.action() == PolicyRule.Action.DENY).forEach(r -> out.add(r.direction()));
        return out;
    }
}
