package io.septum.auth.rest;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * Access to a REST operation that a service answers on a Vert.x route of its own (a hot path kept out of JAX-RS), by
 * the same rule: the {@link Access} of the operation's JAX-RS method, decided by {@link AccessFilter#decide} for the
 * caller that Quarkus' HTTP authentication makes of the bearer token. It only ever lets requests through: a request
 * without a token, with an invalid one, or refused goes on to the JAX-RS method, whose {@link AccessFilter} answers
 * 401/403 and audits it, so refusals have one implementation.
 *
 * <p>The caller of a token is remembered by the exact text of the Authorization header, as {@link VerifiedTokens}
 * remembers the token itself: until the token's {@code exp}, at most {@code septum.auth.token-cache.max-age}.
 * Deriving it costs a security identity per request (mechanism, provider, identity, roles), which under allocation
 * load was more CPU than the allocation. A token that failed, or an anonymous request, is never remembered.
 */
@Singleton
public class RouteAccess {

    /** An auth failure handler that leaves the failure to JAX-RS's AccessFilter (see {@link #permitted}). */
    private static final BiConsumer<RoutingContext, Throwable> LEAVE_TO_JAX_RS = (request, failure) -> {
    };

    private final Callers callers;
    private final TokenMemory<Caller> known;

    @Inject
    public RouteAccess(Callers callers,
                       @ConfigProperty(name = "septum.auth.token-cache.max-entries", defaultValue = "10000") int maxEntries,
                       @ConfigProperty(name = "septum.auth.token-cache.max-age", defaultValue = "5m") Duration maxAge) {
        this.callers = callers;
        this.known = new TokenMemory<>(maxEntries, maxAge.toMillis());
    }

    /**
     * The caller of the request's bearer token when {@code rule} lets it call {@code operation} (a write unless a GET,
     * HEAD or OPTIONS); null when it does not, or when the token is missing or invalid: then the request must go on to
     * JAX-RS (RoutingContext#next), which refuses it in the usual way.
     */
    public Uni<Caller> permitted(RoutingContext request, Access rule, String operation) {
        String authorization = bearer(request);
        if (authorization == null) {
            return Uni.createFrom().nullItem();
        }
        long now = System.currentTimeMillis();
        Caller remembered = known.get(authorization, now);
        if (remembered != null) {
            return Uni.createFrom().item(allowed(remembered, request, rule, operation));
        }
        Uni<SecurityIdentity> identity = request.get(QuarkusHttpUser.DEFERRED_IDENTITY_KEY);
        if (identity == null) {
            return Uni.createFrom().nullItem();
        }
        // A token that fails verification calls the request's auth failure handler, which on a route ahead of JAX-RS is
        // still Quarkus' default one: it would answer 401 itself, without the JSON body and the audit line of
        // AccessFilter. The route hands such requests on, so JAX-RS must be the one to answer them.
        Object failureHandler = request.get(QuarkusHttpUser.AUTH_FAILURE_HANDLER);
        request.put(QuarkusHttpUser.AUTH_FAILURE_HANDLER, LEAVE_TO_JAX_RS);
        return identity.map(id -> {
            restore(request, failureHandler);
            if (id.isAnonymous()) {
                return null;
            }
            Caller caller = callers.of(id);
            if (id.getPrincipal() instanceof JsonWebToken jwt) {
                known.remember(authorization, caller, jwt.getExpirationTime() * 1000L, now);
            }
            return allowed(caller, request, rule, operation);
        }).onFailure().recoverWithItem(failure -> {
            restore(request, failureHandler);
            return null;
        });
    }

    private static void restore(RoutingContext request, Object failureHandler) {
        if (failureHandler == null) {
            request.remove(QuarkusHttpUser.AUTH_FAILURE_HANDLER);
        } else {
            request.put(QuarkusHttpUser.AUTH_FAILURE_HANDLER, failureHandler);
        }
    }

    /**
     * The hot path's shortcut: the caller, as {@link #permitted}, when its token is remembered and the rule lets it
     * through; null otherwise (then ask {@link #permitted}).
     */
    public Caller rememberedAndPermitted(RoutingContext request, Access rule, String operation) {
        String authorization = bearer(request);
        Caller remembered = authorization == null ? null : known.get(authorization, System.currentTimeMillis());
        return remembered == null ? null : allowed(remembered, request, rule, operation);
    }

    private static String bearer(RoutingContext request) {
        String authorization = request.request().getHeader("Authorization");
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization : null;
    }

    private static Caller allowed(Caller caller, RoutingContext request, Access rule, String operation) {
        boolean write = !AccessFilter.READS.contains(request.request().method().name());
        return AccessFilter.decide(rule, caller, write,
                source -> AccessFilter.parameter(source, request::pathParam, request.queryParams()::get), operation).isEmpty() ? caller : null;
    }
}
