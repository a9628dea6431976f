package io.septum.model.policy.cilium;

import com.fasterxml.jackson.databind.JsonNode;
import io.septum.model.policy.ObjectMeta;
import io.septum.model.policy.PolicyObject;
import io.septum.model.policy.PolicyRef;
import io.septum.model.policy.rules.PolicyRules;

import java.util.List;

/**
 * A {@code cilium.io/v2} CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy, read and translated by
 * {@link CiliumPolicyReader} (which has validated every field), with the meaning Cilium gives it: one
 * {@link PolicyRules} for {@code spec}, one per element of {@code specs}, in document order.
 */
public record CiliumPolicy(String kind, ObjectMeta metadata, List<PolicyRules> rules, JsonNode document) implements PolicyObject {

    public static final String API_VERSION = "cilium.io/v2";
    public static final String KIND = "CiliumNetworkPolicy";
    public static final String CLUSTERWIDE_KIND = "CiliumClusterwideNetworkPolicy";

    public static boolean isKind(String kind) {
        return KIND.equals(kind) || CLUSTERWIDE_KIND.equals(kind);
    }

    public CiliumPolicy {
        rules = List.copyOf(rules);
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("a Cilium policy has at least one rule (spec or an element of specs)");
        }
    }

    @Override
    public PolicyRef ref() {
        return rules.getFirst().ref();
    }

    @Override
    public List<PolicyRules> toRules() {
        return rules;
    }
}
