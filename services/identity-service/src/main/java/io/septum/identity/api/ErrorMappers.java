package io.septum.identity.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.septum.model.api.ErrorResponse;
import io.septum.model.policy.FieldError;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** Turns every failure into an {@link ErrorResponse} body, so no client ever parses an HTML or empty error. */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return respond(body(e));
    }

    /** The body of an API failure, logged when it is the service's fault (also for routes outside JAX-RS). */
    public static ErrorResponse body(ApiException e) {
        if (e.status() == 503) {
            LOG.warn(e.getMessage()); // NATS away or a bucket gone: expected now and then, the rebuild mends it
        } else if (e.status() >= 500) {
            LOG.error(e.getMessage(), e.getCause() != null ? e.getCause() : e);
        }
        return new ErrorResponse(e.status(), e.getMessage(), e.errors());
    }

    /** A body that is not JSON, or JSON of the wrong shape: names the field that Jackson stopped at. */
    @ServerExceptionMapper({JsonProcessingException.class, MismatchedInputException.class})
    public Response unreadableBody(JsonProcessingException e, HttpServerRequest request) {
        return respond(unreadable(e, operation(request)));
    }

    /** The 400 body for a request body {@code operation} ("POST /v1/identities") could not read as JSON of its shape. */
    public static ErrorResponse unreadable(JsonProcessingException e, String operation) {
        String path = e instanceof JsonMappingException m ? path(m) : "";
        String problem = switch (e) {
            case UnrecognizedPropertyException u -> "unknown field (known: " + u.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")";
            case InvalidFormatException f -> "must be " + expected(f.getTargetType()) + ", not " + f.getValue();
            case MismatchedInputException m -> "must be " + expected(m.getTargetType());
            default -> "the body is not valid JSON: " + e.getOriginalMessage();
        };
        FieldError error = new FieldError(0, path, problem);
        return new ErrorResponse(400, operation + ": " + error, List.of(error));
    }

    /** Unknown paths, wrong methods, unsupported media types: JAX-RS's own refusals, in our body. */
    @ServerExceptionMapper
    public Response web(WebApplicationException e, HttpServerRequest request) {
        if (e.getCause() instanceof JsonProcessingException json) { // the JSON reader wraps syntax errors
            return unreadableBody(json, request);
        }
        int status = e.getResponse().getStatus();
        return respond(ErrorResponse.of(status, operation(request) + ": " + e.getMessage()));
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, HttpServerRequest request) {
        String message = operation(request) + ": internal error: " + e;
        LOG.error(message, e);
        return respond(ErrorResponse.of(500, message));
    }

    private static Response respond(ErrorResponse body) {
        return Response.status(body.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }

    private static String operation(HttpServerRequest request) {
        return request.method() + " " + request.path();
    }

    /** {@code namedPorts[0].port}, {@code labels.app}: the JSON path of the value Jackson could not read. */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            }
        }
        return path.toString();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return "an integer";
        }
        if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        return "a " + Objects.toString(type.getSimpleName());
    }
}
