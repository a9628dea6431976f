package io.septum.identity.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.septum.auth.rest.Access;
import io.septum.auth.rest.Audit;
import io.septum.auth.rest.Caller;
import io.septum.auth.rest.RouteAccess;
import io.septum.identity.allocation.IdentityConfig;
import io.septum.identity.distribution.Outcome;
import io.septum.model.api.ErrorResponse;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.io.ByteArrayInputStream;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What the Vert.x routes that answer hot operations ahead of RESTEasy Reactive need (allocation's {@code AllocationRoute},
 * endpoints' {@code EndpointRoute}): which requests are the plain case a route answers, the
 * access rule of the JAX-RS method, reading the body, answering JSON and ErrorResponse bodies with the service's
 * ObjectMapper — and handing everything else on to the JAX-RS method, which answers it (413, 415, 401, 403 and their
 * audit lines) as it answers every other operation, so that each refusal has one implementation.
 *
 * <p>A route may hand a request on after it has read the body (an enforcer's node is in the body): Vert.x has then
 * consumed the request, so the body travels with the routing context and {@link #restoreHandedOnBody} gives it to
 * JAX-RS as the entity before the JAX-RS method reads it.
 */
@ApplicationScoped
public class LeanRoutes {

    /** As JAX-RS labels its error bodies and its JSON answers. */
    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence JSON_UTF8 = HttpHeaders.createOptimized("application/json;charset=UTF-8");
    private static final String HANDED_ON_BODY = LeanRoutes.class.getName() + ".body";
    /**
     * The order of a route for callers whose token is remembered: after the body handler (if any), before Quarkus'
     * authentication and RESTEasy's observability handlers (which build a path matcher per request), since a
     * remembered caller needs neither. No CORS or other per-route policy is configured for this service.
     */
    public static final int AHEAD_OF_QUARKUS = Integer.MIN_VALUE + 2;

    private final RouteAccess access;
    private final ObjectMapper mapper;
    private final long maxBody;

    public LeanRoutes(RouteAccess access, ObjectMapper mapper, IdentityConfig config) {
        this.access = access;
        this.mapper = mapper;
        this.maxBody = config.maxBodySize().asLongValue();
    }

    /** The access rule of a JAX-RS method, which a route applies to the same operation. */
    public static Access rule(Class<?> resource, String method, Class<?>... parameters) {
        try {
            Access rule = resource.getMethod(method, parameters).getAnnotation(Access.class);
            if (rule == null) {
                throw new IllegalStateException(resource.getSimpleName() + "." + method + " has no @Access rule");
            }
            return rule;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(resource.getSimpleName() + "." + method + " declares the operation a route answers and its access rule", e);
        }
    }

    /** The plain case of a request with a body: JSON with a Content-Length within septum.identity.max-body-size. */
    public boolean plainJsonBody(HttpServerRequest request) {
        long length = length(request.getHeader(HttpHeaders.CONTENT_LENGTH));
        return length >= 0 && length <= maxBody && json(request.getHeader(HttpHeaders.CONTENT_TYPE));
    }

    /** The plain case of a request without a body: neither a length (but 0), nor chunks, nor a content type. */
    public static boolean noBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return (length == null || length(length) == 0) && request.getHeader(HttpHeaders.TRANSFER_ENCODING) == null
                && request.getHeader(HttpHeaders.CONTENT_TYPE) == null;
    }

    /**
     * A route ahead of Quarkus' handlers ({@link #AHEAD_OF_QUARKUS}): runs {@code then} with the caller of a plain
     * request (as {@code plain} decides) whose token is remembered and whose caller {@code rule} lets call
     * {@code operation}; any other request goes on to the next route, which needs Quarkus' authentication.
     */
    public void whenRemembered(RoutingContext context, Predicate<RoutingContext> plain, Access rule, String operation, Consumer<Caller> then) {
        Caller remembered = plain.test(context) ? access.rememberedAndPermitted(context, rule, operation) : null;
        if (remembered == null) {
            context.next();
        } else {
            then.accept(remembered);
        }
    }

    /**
     * Runs {@code then} with the caller of the request's bearer token when {@code rule} lets it call {@code operation}
     * (at once when its token is remembered); hands the request on to JAX-RS otherwise.
     */
    public void whenPermitted(RoutingContext context, Access rule, String operation, Consumer<Caller> then) {
        Caller remembered = access.rememberedAndPermitted(context, rule, operation);
        if (remembered != null) {
            then.accept(remembered);
            return;
        }
        access.permitted(context, rule, operation).subscribe().with(caller -> {
            if (caller == null) {
                context.next();
            } else {
                then.accept(caller);
            }
        }, context::fail);
    }

    /** Reads the whole body (already there, or as it arrives), then hands it to {@code then}. */
    public static void readBody(RoutingContext context, Consumer<Buffer> then) {
        if (context.body().available()) {
            then.accept(context.body().buffer());
        } else {
            HttpServerRequest request = context.request();
            request.body().onSuccess(then::accept).onFailure(context::fail);
            request.resume();
        }
    }

    /**
     * Hands a request on to JAX-RS, with the body the route has read if any (see {@link #restoreHandedOnBody}); the
     * routes after it see {@link #handedOn} and hand it on too.
     */
    public static void handOn(RoutingContext context, Buffer body) {
        context.put(HANDED_ON_BODY, body == null ? Boolean.TRUE : body);
        context.next();
    }

    /** Whether a route before this one handed the request on (it must go on to JAX-RS). */
    public static boolean handedOn(RoutingContext context) {
        return context.get(HANDED_ON_BODY) != null;
    }

    /** Gives JAX-RS the body a route read before handing the request on: the request itself has been consumed. */
    @ServerRequestFilter(preMatching = true)
    public void restoreHandedOnBody(ContainerRequestContext request, RoutingContext context) {
        if (context.get(HANDED_ON_BODY) instanceof Buffer body) {
            request.setEntityStream(new ByteArrayInputStream(body.getBytes()));
        }
    }

    /** What a route answers for a change that is done: its status and its JSON body (none when null). */
    public record Reply(int status, Object body) {
    }

    /**
     * The outcome of a change a route answers: a failure is answered as the JAX-RS method's ErrorMappers would
     * ({@code operation}: "put endpoint x/a"); a done change is audited ({@code audited} by {@code caller} on
     * {@code object}, with the reply's status) before its reply goes out, as the JAX-RS response filter does — a
     * client that has the answer finds the line.
     */
    public <T> Outcome<T> auditedReply(RoutingContext context, String operation, Caller caller, String audited, String object,
                                       Function<T, Reply> reply) {
        return (value, failure) -> {
            if (failure != null) {
                fail(context, operation, failure);
                return;
            }
            Reply answer = reply.apply(value);
            Audit.changed(caller, audited, object, answer.status());
            answer(context, operation, answer.status(), answer.body());
        };
    }

    /** Answers {@code status} with {@code value} as JSON, as the JAX-RS method would; with no body when it is null. */
    public void answer(RoutingContext context, String operation, int status, Object value) {
        if (value == null) {
            context.response().setStatusCode(status).end();
            return;
        }
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            fail(context, operation, e);
            return;
        }
        context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON_UTF8).end(Buffer.buffer(json));
    }

    /** Answers a failure of {@code operation} ("put endpoint x/a") as the JAX-RS method's ErrorMappers would. */
    public void fail(RoutingContext context, String operation, Throwable failure) {
        refuse(context, ErrorMappers.body((ApiException) ApiException.in(operation).apply(failure)));
    }

    /** Answers an ErrorResponse. */
    public void refuse(RoutingContext context, ErrorResponse error) {
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(error);
        } catch (JsonProcessingException e) {
            context.fail(e);
            return;
        }
        context.response().setStatusCode(error.status()).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(Buffer.buffer(json));
    }

    /** The service's ObjectMapper (the one JAX-RS reads and writes bodies with). */
    public ObjectMapper mapper() {
        return mapper;
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
