package io.septum.identity.endpoints;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.septum.auth.Role;
import io.septum.auth.rest.Access;
import io.septum.auth.rest.Caller;
import io.septum.identity.api.ErrorMappers;
import io.septum.identity.api.LeanRoutes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PUT and DELETE /v1/endpoints/{namespace}/{pod} on Vert.x routes of their own, ahead of RESTEasy Reactive: every
 * pod's creation and deletion goes through them (1,000 of each a second in the collection benchmark), and the JAX-RS
 * machinery — resource matching, filters, request scope, context propagation, a security identity per request — had
 * cost more CPU than the endpoint writes. Every respect a client sees is {@link EndpointResource}'s: the JSON of
 * openapi/identity.yaml read and written by the service's ObjectMapper, statuses 200/204/400/404/409/503, ErrorResponse
 * bodies naming the field, the access rule of the JAX-RS method and the audit line of every accepted change.
 *
 * <p>The routes take only the plain case: for PUT a JSON body with a Content-Length within the limit, for DELETE no body;
 * a path as its parameters spell it (nothing percent-encoded, no extra slash); a bearer token whose caller the rule
 * lets through, and — the node checks of {@link EndpointResource} — an enforcer putting an endpoint of its own node in
 * place of none or one of its own node. Anything else goes on to the JAX-RS method (a PUT with the body the route read),
 * which answers it as before (415, 413, 401, 403 with their audit lines), so each refusal has one implementation.
 * A caller whose token is remembered is answered ahead of Quarkus' authentication handler
 * ({@link LeanRoutes#AHEAD_OF_QUARKUS}), any other after it, once its token is verified.
 */
@ApplicationScoped
public class EndpointRoute {

    static final String PATH = "/v1/endpoints/";
    /** As the audit log names operations: the JAX-RS methods' names. */
    private static final String PUT = "putEndpoint";
    private static final String DELETE = "deleteEndpoint";
    private static final LeanRoutes.Reply NO_CONTENT = new LeanRoutes.Reply(204, null);

    private final EndpointRegistry registry;
    private final LeanRoutes routes;
    private final Access putRule = LeanRoutes.rule(EndpointResource.class, PUT, String.class, String.class, EndpointSpec.class);
    private final Access deleteRule = LeanRoutes.rule(EndpointResource.class, DELETE, String.class, String.class);
    private final AtomicLong answered = new AtomicLong();

    public EndpointRoute(EndpointRegistry registry, LeanRoutes routes) {
        this.registry = registry;
        this.routes = routes;
    }

    void install(@Observes Router router) {
        // callers whose token is remembered are answered ahead of Quarkus' authentication; the others after it
        router.put(PATH + ":namespace/:pod").order(LeanRoutes.AHEAD_OF_QUARKUS).handler(this::putRemembered);
        router.delete(PATH + ":namespace/:pod").order(LeanRoutes.AHEAD_OF_QUARKUS).handler(this::deleteRemembered);
        router.put(PATH + ":namespace/:pod").handler(this::put);
        router.delete(PATH + ":namespace/:pod").handler(this::delete);
    }

    /** How many requests these routes answered themselves (not handed on to JAX-RS) since start. */
    public long answered() {
        return answered.get();
    }

    private void putRemembered(RoutingContext context) {
        routes.whenRemembered(context, this::plainPut, putRule, PUT, caller -> LeanRoutes.readBody(context, body -> put(context, caller, body)));
    }

    private void put(RoutingContext context) {
        if (LeanRoutes.handedOn(context) || !plainPut(context)) {
            context.next();
            return;
        }
        routes.whenPermitted(context, putRule, PUT, caller -> LeanRoutes.readBody(context, body -> put(context, caller, body)));
    }

    private void put(RoutingContext context, Caller caller, Buffer body) {
        HttpServerRequest request = context.request();
        String namespace = context.pathParam("namespace");
        String pod = context.pathParam("pod");
        String operation = "put endpoint " + namespace + "/" + pod;
        EndpointSpec checked;
        try {
            EndpointSpec spec = body.length() == 0 ? null : routes.mapper().readValue(body.getBytes(), EndpointSpec.class);
            checked = EndpointSpecCheck.check(namespace, pod, spec);
        } catch (JsonProcessingException e) {
            answered.incrementAndGet();
            routes.refuse(context, ErrorMappers.unreadable(e, request.method() + " " + request.path()));
            return;
        } catch (IOException | RuntimeException e) {
            answered.incrementAndGet();
            routes.fail(context, operation, e);
            return;
        }
        if (!caller.mayActFor(checked.node())) {
            LeanRoutes.handOn(context, body);
            return;
        }
        ownNode(context, caller, namespace, pod, operation, body, () -> registry.put(namespace, pod, checked,
                routes.auditedReply(context, operation, caller, PUT, request.method() + " " + request.path(), endpoint -> new LeanRoutes.Reply(200, endpoint))));
    }

    private void deleteRemembered(RoutingContext context) {
        routes.whenRemembered(context, EndpointRoute::plainDelete, deleteRule, DELETE, caller -> delete(context, caller));
    }

    private void delete(RoutingContext context) {
        if (LeanRoutes.handedOn(context) || !plainDelete(context)) {
            context.next();
            return;
        }
        routes.whenPermitted(context, deleteRule, DELETE, caller -> delete(context, caller));
    }

    private void delete(RoutingContext context, Caller caller) {
        HttpServerRequest request = context.request();
        String namespace = context.pathParam("namespace");
        String pod = context.pathParam("pod");
        String operation = "delete endpoint " + namespace + "/" + pod;
        ownNode(context, caller, namespace, pod, operation, null, () -> registry.delete(namespace, pod,
                routes.auditedReply(context, operation, caller, DELETE, request.method() + " " + request.path(), nothing -> NO_CONTENT)));
    }

    /**
     * Runs {@code change} when the caller may change the endpoint: admin always; an enforcer when the endpoint does
     * not exist or is its node's (EndpointResource#requireOwnNode). Otherwise the request goes on to JAX-RS, which
     * refuses it.
     */
    private void ownNode(RoutingContext context, Caller caller, String namespace, String pod, String operation, Buffer body,
                         Runnable change) {
        if (caller.is(Role.ADMIN)) {
            answered.incrementAndGet();
            change.run();
            return;
        }
        registry.lookUp(namespace, pod).onComplete(found -> {
            if (found.failed()) {
                answered.incrementAndGet();
                routes.fail(context, operation, found.cause());
                return;
            }
            Endpoint existing = found.result();
            if (existing != null && !caller.mayActFor(existing.node())) {
                LeanRoutes.handOn(context, body);
                return;
            }
            answered.incrementAndGet();
            change.run();
        });
    }

    /** The plain PUT: a JSON body within the limit, a plain path. */
    private boolean plainPut(RoutingContext context) {
        return routes.plainJsonBody(context.request()) && plainPath(context);
    }

    /** The plain DELETE: no body, a plain path. */
    private static boolean plainDelete(RoutingContext context) {
        return LeanRoutes.noBody(context.request()) && plainPath(context);
    }

    /** Whether the path is spelled as its parameters (decoded by Vert.x) say: else JAX-RS decides what it means. */
    private static boolean plainPath(RoutingContext context) {
        String path = context.request().path();
        String namespace = context.pathParam("namespace");
        String pod = context.pathParam("pod");
        return namespace != null && pod != null && path.length() == PATH.length() + namespace.length() + 1 + pod.length()
                && path.startsWith(PATH) && path.startsWith(namespace, PATH.length())
                && path.charAt(PATH.length() + namespace.length()) == '/' && path.endsWith(pod);
    }
}
