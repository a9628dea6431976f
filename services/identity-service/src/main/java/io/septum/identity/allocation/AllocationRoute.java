package io.septum.identity.allocation;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.septum.auth.rest.Access;
import io.septum.auth.rest.Caller;
import io.septum.auth.rest.RouteAccess;
import io.septum.identity.api.ErrorMappers;
import io.septum.identity.api.LeanRoutes;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * POST /v1/identities on a Vert.x route of its own, ahead of RESTEasy Reactive: the hot path of identity-service (every
 * pod's identity, 64 clients at once in the allocation benchmark), where the JAX-RS machinery — resource matching,
 * filters, request scope, context propagation, the security identity of every request — cost more CPU than the
 * allocation. The operation is the same in every respect a client sees: the request and response JSON of
 * openapi/identity.yaml read and written by the service's ObjectMapper (strict scalars, unknown fields refused),
 * statuses 200/201/400/503, ErrorResponse bodies naming the field ({@link ErrorMappers}), the access rule of
 * {@link IdentityResource#allocateIdentity} ({@link RouteAccess}), and the audit line of every accepted change.
 *
 * <p>The route takes only the plain case: a JSON body with a Content-Length within septum.identity.max-body-size,
 * and a bearer token whose caller the rule lets through. Anything else — another content type, no length, an
 * oversized body, no or an invalid token, a refused caller — goes on to the JAX-RS method, which answers it as before
 * (415, 413, 401, 403 with their audit lines), so each refusal has one implementation. It is installed twice: ahead
 * of Quarkus' own handlers for a caller whose token it remembers, and in the usual place (after authentication) for
 * the first request of a token, whose caller it then remembers.
 */
@Singleton
public class AllocationRoute {

    static final String PATH = "/v1/identities";
    /** As the audit log names operations: the JAX-RS method's name and the request. */
    private static final String OPERATION = "allocateIdentity";
    private static final String OBJECT = "POST " + PATH;

    private final AllocationRequests requests;
    private final LeanRoutes routes;
    private final Access rule = LeanRoutes.rule(IdentityResource.class, OPERATION, AllocateIdentityRequest.class);
    private final AtomicLong answered = new AtomicLong();

    public AllocationRoute(AllocationRequests requests, LeanRoutes routes) {
        this.requests = requests;
        this.routes = routes;
    }

    void install(@Observes Router router) {
        router.post(PATH).order(LeanRoutes.AHEAD_OF_QUARKUS).handler(this::handleRemembered);
        router.post(PATH).handler(this::handle);
    }

    /** How many requests this route answered itself (not handed on to JAX-RS) since start. */
    public long answered() {
        return answered.get();
    }

    /** A plain request of a caller whose token is remembered: needs none of Quarkus' handlers. */
    private void handleRemembered(RoutingContext context) {
        routes.whenRemembered(context, this::plain, rule, OPERATION, caller -> LeanRoutes.readBody(context, body -> answer(context, caller, body)));
    }

    private void handle(RoutingContext context) {
        if (!plain(context)) {
            context.next();
            return;
        }
        routes.whenPermitted(context, rule, OPERATION, caller -> LeanRoutes.readBody(context, body -> answer(context, caller, body)));
    }

    /** The plain case this route answers: a JSON body within the limit. */
    private boolean plain(RoutingContext context) {
        return routes.plainJsonBody(context.request());
    }

    private void answer(RoutingContext context, Caller caller, Buffer body) {
        answered.incrementAndGet();
        List<String> labels;
        try {
            labels = body == null || body.length() == 0 ? null : routes.mapper().readValue(body.getBytes(), AllocateIdentityRequest.class).labels();
        } catch (JsonProcessingException e) {
            routes.refuse(context, ErrorMappers.unreadable(e, OBJECT));
            return;
        } catch (IOException | RuntimeException e) {
            routes.fail(context, IdentityResource.ALLOCATE, e);
            return;
        }
        try {
            requests.allocate(labels, routes.auditedReply(context, IdentityResource.ALLOCATE, caller, OPERATION, OBJECT,
                    allocation -> new LeanRoutes.Reply(allocation.created() ? 201 : 200, allocation.identity())));
        } catch (RuntimeException e) {
            routes.fail(context, IdentityResource.ALLOCATE, e);
        }
    }
}
