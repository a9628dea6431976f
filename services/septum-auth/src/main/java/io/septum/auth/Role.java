package io.septum.auth;

import java.util.Arrays;
import java.util.Optional;

/**
 * The roles a bearer token can carry (in its {@code groups} claim, as MicroProfile JWT reads it). An
 * operation names the roles, besides {@link #ADMIN}, that may call it; admin may call everything.
 */
public enum Role {
    /** Everything, cluster-wide objects and key rotation included. */
    ADMIN("septum-admin"),
    /** Writes NetworkPolicy and CiliumNetworkPolicy in the namespaces of the token's namespaces claim; reads. */
    POLICY_EDITOR("policy-editor"),
    /** Reads only. */
    VIEWER("viewer"),
    /** One node's enforcer: registers and renews that node's endpoints and lease, reports status, reads. */
    ENFORCER("enforcer");

    private final String claim;

    Role(String claim) {
        this.claim = claim;
    }

    /** The name in a token's groups claim. */
    public String claim() {
        return claim;
    }

    public static Optional<Role> fromClaim(String name) {
        return Arrays.stream(values()).filter(r -> r.claim.equals(name)).findFirst();
    }

    public static Role parse(String name) {
        return fromClaim(name).orElseThrow(() -> new IllegalArgumentException("unknown role '" + name + "' (known: "
                + String.join(", ", Arrays.stream(values()).map(Role::claim).toList()) + ")"));
    }
}
