package io.septum.model.policy.cilium;

import com.fasterxml.jackson.databind.JsonNode;
import io.septum.model.policy.ObjectMeta;
import io.septum.model.policy.PolicyObject;
import io.septum.model.policy.PolicyRef;
import io.septum.model.policy.rules.PolicyRules;

/**
 * A {@code cilium.io/v2} CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy, read and translated by
 * {@link CiliumPolicyReader} (which has validated every field), with the meaning Cilium gives it.
 */
public record CiliumPolicy(String kind, ObjectMeta metadata, PolicyRules rules, JsonNode document) implements PolicyObject {

    public static final String API_VERSION = "cilium.io/v2";
    public static final String KIND = "CiliumNetworkPolicy";
    public static final String CLUSTERWIDE_KIND = "CiliumClusterwideNetworkPolicy";

    public static boolean isKind(String kind) {
        return KIND.equals(kind) || CLUSTERWIDE_KIND.equals(kind);
    }

    @Override
    public PolicyRef ref() {
        return rules.ref();
    }

    @Override
    public PolicyRules toRules() {
        return rules;
    }
}
