package io.septum.identity.allocation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.septum.auth.rest.Access;
import io.septum.auth.rest.Audit;
import io.septum.auth.rest.Caller;
import io.septum.auth.rest.RouteAccess;
import io.septum.identity.api.ApiException;
import io.septum.identity.api.ErrorMappers;
import io.septum.model.api.ErrorResponse;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
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
@ApplicationScoped
public class AllocationRoute {

    static final String PATH = "/v1/identities";
    /**
     * The order of the route for callers whose token is remembered: after the body handler (if any), before Quarkus'
     * authentication and RESTEasy's observability handlers (which build a path matcher per request), since a
     * remembered caller needs neither. No CORS or other per-route policy is configured for this service.
     */
    private static final int AHEAD_OF_QUARKUS = Integer.MIN_VALUE + 2;
    /** As the audit log names operations: the JAX-RS method's name and the request. */
    private static final String OPERATION = "allocateIdentity";
    private static final String OBJECT = "POST " + PATH;
    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence JSON_UTF8 = HttpHeaders.createOptimized("application/json;charset=UTF-8");

    private final AllocationRequests requests;
    private final RouteAccess access;
    private final ObjectMapper mapper;
    private final long maxBody;
    private final Access rule;
    private final AtomicLong answered = new AtomicLong();

    public AllocationRoute(AllocationRequests requests, RouteAccess access, ObjectMapper mapper, IdentityConfig config) {
        this.requests = requests;
        this.access = access;
        this.mapper = mapper;
        this.maxBody = config.maxBodySize().asLongValue();
        try {
            this.rule = IdentityResource.class.getMethod(OPERATION, AllocateIdentityRequest.class).getAnnotation(Access.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("IdentityResource." + OPERATION + " declares POST " + PATH + " and its access rule", e);
        }
    }

    void install(@Observes Router router) {
        router.post(PATH).order(AHEAD_OF_QUARKUS).handler(this::handleRemembered);
        router.post(PATH).handler(this::handle);
    }

    /** How many requests this route answered itself (not handed on to JAX-RS) since start. */
    public long answered() {
        return answered.get();
    }

    /** A plain request of a caller whose token is remembered: needs none of Quarkus' handlers. */
    private void handleRemembered(RoutingContext context) {
        Caller remembered = plain(context.request()) ? access.rememberedAndPermitted(context, rule, OPERATION) : null;
        if (remembered == null) {
            context.next();
        } else {
            read(context, remembered);
        }
    }

    private void handle(RoutingContext context) {
        if (!plain(context.request())) {
            context.next();
            return;
        }
        Caller remembered = access.rememberedAndPermitted(context, rule, OPERATION);
        if (remembered != null) {
            read(context, remembered);
            return;
        }
        access.permitted(context, rule, OPERATION).subscribe().with(caller -> {
            if (caller == null) {
                context.next();
            } else {
                read(context, caller);
            }
        }, context::fail);
    }

    private void read(RoutingContext context, Caller caller) {
        if (context.body().available()) {
            answer(context, caller, context.body().buffer());
        } else {
            HttpServerRequest request = context.request();
            request.body().onSuccess(body -> answer(context, caller, body)).onFailure(context::fail);
            request.resume();
        }
    }

    private void answer(RoutingContext context, Caller caller, Buffer body) {
        answered.incrementAndGet();
        List<String> labels;
        try {
            labels = body == null || body.length() == 0 ? null : mapper.readValue(body.getBytes(), AllocateIdentityRequest.class).labels();
        } catch (JsonProcessingException e) {
            respond(context, ErrorMappers.unreadable(e, OBJECT));
            return;
        } catch (IOException | RuntimeException e) {
            fail(context, e);
            return;
        }
        try {
            requests.allocate(labels, (allocation, failure) -> {
                if (failure != null) {
                    fail(context, failure);
                    return;
                }
                int status = allocation.created() ? 201 : 200;
                byte[] json;
                try {
                    json = mapper.writeValueAsBytes(allocation.identity());
                } catch (JsonProcessingException e) {
                    fail(context, e);
                    return;
                }
                context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON_UTF8).end(Buffer.buffer(json));
                Audit.changed(caller, OPERATION, OBJECT, status);
            });
        } catch (RuntimeException e) {
            fail(context, e);
        }
    }

    private void fail(RoutingContext context, Throwable failure) {
        respond(context, ErrorMappers.body((ApiException) ApiException.in(IdentityResource.ALLOCATE).apply(failure)));
    }

    private void respond(RoutingContext context, ErrorResponse error) {
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(error);
        } catch (JsonProcessingException e) {
            context.fail(e);
            return;
        }
        context.response().setStatusCode(error.status()).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(Buffer.buffer(json));
    }

    /** A JSON body with a length within the limit: the only requests the route answers. */
    private boolean plain(HttpServerRequest request) {
        long length = length(request.getHeader(HttpHeaders.CONTENT_LENGTH));
        return length >= 0 && length <= maxBody && json(request.getHeader(HttpHeaders.CONTENT_TYPE));
    }

    /** The Content-Length, -1 when absent or not a number. */
    private static long length(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** application/json, with parameters or not, as JAX-RS's @Consumes matches it. */
    private static boolean json(String type) {
        return type != null && type.regionMatches(true, 0, "application/json", 0, 16)
                && (type.length() == 16 || type.charAt(16) == ';' || type.charAt(16) == ' ');
    }
}
