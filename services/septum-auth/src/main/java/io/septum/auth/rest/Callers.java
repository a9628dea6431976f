package io.septum.auth.rest;

import io.quarkus.security.identity.SecurityIdentity;
import io.septum.auth.Role;
import io.septum.auth.token.TokenClaims;
import jakarta.inject.Singleton;
import jakarta.json.JsonString;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The {@link Caller} an authenticated security identity stands for: its roles and its token's namespace and node claims. */
@Singleton
public class Callers {

    @ConfigProperty(name = "septum.auth.namespaces-claim", defaultValue = TokenClaims.NAMESPACES_CLAIM)
    String namespacesClaim;

    @ConfigProperty(name = "septum.auth.node-claim", defaultValue = TokenClaims.NODE_CLAIM)
    String nodeClaim;

    public Caller of(SecurityIdentity identity) {
        Set<Role> roles = identity.getRoles().stream().map(Role::fromClaim).flatMap(Optional::stream)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Role.class)));
        Set<String> namespaces = Set.of();
        Optional<String> node = Optional.empty();
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            // smallrye-jwt looks a claim name up among the standard ones first, and throws (and catches) for any
            // other name: asked only for the claims the token has, so that an admin token costs no exception
            Set<String> claims = jwt.getClaimNames();
            namespaces = claims.contains(namespacesClaim) ? strings(jwt.getClaim(namespacesClaim)) : Set.of();
            node = claims.contains(nodeClaim) ? strings(jwt.getClaim(nodeClaim)).stream().findFirst() : Optional.empty();
        }
        return new Caller(identity.getPrincipal().getName(), roles, namespaces, node);
    }

    /** A claim as strings, whichever JSON or Java shape the JWT library hands it over in. */
    private static Set<String> strings(Object claim) {
        if (claim == null) {
            return Set.of();
        }
        Iterable<?> items = claim instanceof Iterable<?> many ? many : List.of(claim);
        Set<String> out = new LinkedHashSet<>();
        for (Object item : items) {
            out.add(item instanceof JsonString s ? s.getString() : String.valueOf(item));
        }
        return out;
    }
}
