package io.septum.auth.rest;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.septum.auth.Role;
import io.septum.model.api.ErrorResponse;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Authenticates and authorizes every REST operation of the service it is part of, before the operation runs:
 * 401 without a valid bearer token, 403 when {@link Access} does not let the token's roles, namespaces or
 * node through. Health and the OpenAPI document are not REST operations and stay open. Every refusal and
 * every accepted change goes to the {@link Audit} log.
 */
public class AccessFilter {

    private static final String CALLER = AccessFilter.class.getName() + ".caller";
    private static final String OPERATION = AccessFilter.class.getName() + ".operation";
    static final Set<String> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    @Inject
    CurrentIdentityAssociation identities;

    @Inject
    CurrentCaller current;

    @Inject
    Callers callers;

    @ServerRequestFilter
    public Uni<Response> authorize(ContainerRequestContext request, ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        String operation = method.getName();
        String path = request.getUriInfo().getPath();
        String object = request.getMethod() + (path.startsWith("/") ? " " : " /") + path;
        request.setProperty(OPERATION, operation + " " + object);
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            Audit.unauthenticated(operation, object, "no bearer token");
            return Uni.createFrom().item(unauthorized(operation + ": authentication required: send a bearer token (Authorization: Bearer <jwt>)"));
        }
        return identities.getDeferredIdentity().map(identity -> {
            if (identity.isAnonymous()) {
                Audit.unauthenticated(operation, object, "no bearer token");
                return unauthorized(operation + ": authentication required: send a bearer token (Authorization: Bearer <jwt>)");
            }
            Caller caller = callers.of(identity);
            current.set(caller, operation, object);
            request.setProperty(CALLER, caller);
            Optional<AccessDenied> denial = decide(method.getAnnotation(Access.class), caller,
                    !READS.contains(request.getMethod()), source -> parameter(request, source), operation);
            if (denial.isPresent()) {
                Audit.denied(caller, operation, object, denial.get());
                return error(403, operation + ": " + denial.get().getMessage());
            }
            return null;
        }).onFailure().recoverWithItem(failure -> {
            // Expired, wrongly signed, another issuer or audience: the cause goes to the audit log, not to the client.
            Audit.unauthenticated(operation, object, String.valueOf(failure.getMessage()));
            return unauthorized(operation + ": the bearer token is not valid (expired, not signed by a trusted key, or for another issuer or audience)");
        });
    }

    /** Every change that was accepted, with the caller that made it. */
    @ServerResponseFilter
    public void auditChanges(ContainerRequestContext request, ContainerResponseContext response) {
        if (!READS.contains(request.getMethod()) && response.getStatus() < 400 && request.getProperty(CALLER) instanceof Caller caller) {
            String[] op = String.valueOf(request.getProperty(OPERATION)).split(" ", 2);
            Audit.changed(caller, op[0], op.length > 1 ? op[1] : "", response.getStatus());
        }
    }

    /** A refusal raised inside an operation ({@link CurrentCaller}), already audited there. */
    @ServerExceptionMapper
    public Response denied(AccessDenied denial, ContainerRequestContext request) {
        String op = String.valueOf(request.getProperty(OPERATION)).split(" ", 2)[0];
        return error(403, op + ": " + denial.getMessage());
    }

    /**
     * The decision for one request, empty when allowed. Admin passes everything; any other role of the
     * caller that the rule lists passes a read, and a write when its namespace (policy-editor) or node
     * (enforcer) matches; viewer never writes.
     */
    static Optional<AccessDenied> decide(Access rule, Caller caller, boolean write, UnaryOperator<String> parameter, String operation) {
        if (caller.is(Role.ADMIN)) {
            return Optional.empty();
        }
        if (rule == null) {
            return Optional.of(new AccessDenied(AccessDenied.Reason.ROLE_MISSING, "the operation has no access rule; only septum-admin may call it"));
        }
        Set<Role> allowed = EnumSet.noneOf(Role.class);
        allowed.addAll(Arrays.asList(rule.value()));
        AccessDenied refusal = null;
        for (Role role : caller.roles()) {
            if (!allowed.contains(role)) {
                continue;
            }
            if (!write) {
                return Optional.empty();
            }
            AccessDenied outcome = switch (role) {
                case POLICY_EDITOR -> scoped(rule.namespace(), parameter, caller::mayWriteIn,
                        ns -> new AccessDenied(AccessDenied.Reason.NAMESPACE_NOT_GRANTED, ns.isEmpty()
                                ? "the object is cluster-wide (septum-admin only)"
                                : "namespace " + ns + " is not granted by the token"));
                case ENFORCER -> scoped(rule.node(), parameter, caller::mayActFor,
                        node -> new AccessDenied(AccessDenied.Reason.NODE_MISMATCH, "node " + node + " is not the token's node"));
                default -> new AccessDenied(AccessDenied.Reason.ROLE_MISSING, "role " + role.claim() + " cannot change anything");
            };
            if (outcome == null) {
                return Optional.empty();
            }
            if (refusal == null || refusal.reason() == AccessDenied.Reason.ROLE_MISSING) {
                refusal = outcome;
            }
        }
        if (refusal != null) {
            return Optional.of(refusal);
        }
        Set<String> needed = new LinkedHashSet<>();
        needed.add(Role.ADMIN.claim());
        allowed.stream().filter(r -> !write || r != Role.VIEWER).forEach(r -> needed.add(r.claim()));
        return Optional.of(new AccessDenied(AccessDenied.Reason.ROLE_MISSING, operation + " needs one of "
                + String.join(", ", needed)));
    }

    /** A scoped write: allowed when the source is the body (checked by the operation) or names what the caller holds. */
    private static AccessDenied scoped(String source, UnaryOperator<String> parameter, java.util.function.Predicate<String> holds,
                                       java.util.function.Function<String, AccessDenied> refuse) {
        if (source.isEmpty()) {
            return new AccessDenied(AccessDenied.Reason.ROLE_MISSING, "the operation has no scope for this role; only septum-admin may call it");
        }
        if (Access.BODY.equals(source)) {
            return null;
        }
        String value = parameter.apply(source);
        return holds.test(value) ? null : refuse.apply(value);
    }

    /** The value of "path:x" or "query:x"; empty when absent, and for "_" (a cluster-wide object's namespace in paths). */
    private static String parameter(ContainerRequestContext request, String source) {
        return parameter(source, name -> request.getUriInfo().getPathParameters().getFirst(name),
                name -> request.getUriInfo().getQueryParameters().getFirst(name));
    }

    /** As above, with the request's path and query parameters by name (JAX-RS's or a Vert.x route's). */
    static String parameter(String source, UnaryOperator<String> path, UnaryOperator<String> query) {
        int colon = source.indexOf(':');
        String name = source.substring(colon + 1);
        String value = switch (source.substring(0, Math.max(colon, 0))) {
            case "path" -> path.apply(name);
            case "query" -> query.apply(name);
            default -> throw new IllegalStateException("@Access source '" + source + "' is not path:<name>, query:<name> or body");
        };
        return value == null || value.equals("_") ? "" : value;
    }

    private static Response unauthorized(String message) {
        return Response.fromResponse(error(401, message)).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    private static Response error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(ErrorResponse.of(status, message)).build();
    }
}
