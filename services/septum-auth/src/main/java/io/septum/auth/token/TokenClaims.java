package io.septum.auth.token;

import io.septum.auth.Role;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a token says about its bearer: who (subject), which roles, the namespaces a policy-editor may write,
 * the node an enforcer speaks for, and for how long.
 */
public record TokenClaims(String subject, Set<Role> roles, List<String> namespaces, Optional<String> node, Duration ttl) {

    /** Claim of the namespaces a policy-editor may write (a JSON array of names). */
    public static final String NAMESPACES_CLAIM = "septum_namespaces";
    /** Claim of the node an enforcer token speaks for. */
    public static final String NODE_CLAIM = "septum_node";

    public TokenClaims {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("token subject must not be empty");
        }
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("token for " + subject + ": at least one role is needed");
        }
        roles = Set.copyOf(roles);
        namespaces = List.copyOf(namespaces);
        if (roles.contains(Role.ENFORCER) && node.isEmpty()) {
            throw new IllegalArgumentException("token for " + subject + ": role enforcer needs a node");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("token for " + subject + ": ttl must be positive, not " + ttl);
        }
    }

    public static TokenClaims admin(String subject, Duration ttl) {
        return new TokenClaims(subject, Set.of(Role.ADMIN), List.of(), Optional.empty(), ttl);
    }

    public static TokenClaims enforcer(String node, Duration ttl) {
        return new TokenClaims("enforcer:" + node, Set.of(Role.ENFORCER), List.of(), Optional.of(node), ttl);
    }
}
