package io.septum.policy.api;

import io.septum.model.api.ErrorResponse;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure into an {@link ErrorResponse} body with the matching status. */
public class ApiErrors {

    private static final Logger LOG = Logger.getLogger(ApiErrors.class);

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> api(ApiException e) {
        if (e.status() == 503) {
            LOG.warn(e.getMessage());
        } else if (e.status() >= 500) {
            LOG.error(e.getMessage(), e.getCause() == null ? e : e.getCause());
        }
        return e.response();
    }

    /** Raised by the framework before a resource method runs: no such path, method, media type. */
    @ServerExceptionMapper
    public RestResponse<ErrorResponse> framework(WebApplicationException e, HttpServerRequest request) {
        int status = e.getResponse().getStatus();
        String operation = request.method() + " " + request.path();
        String cause = e instanceof NotSupportedException
                ? "unsupported content type '" + request.getHeader(HttpHeaders.CONTENT_TYPE) + "' (send "
                        + PolicyResource.YAML + " or application/json)"
                : e.getMessage();
        return new ApiException(status, operation + ": " + cause).response();
    }

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> unexpected(Throwable e, HttpServerRequest request) {
        return api(ApiException.of(request.method() + " " + request.path(), e));
    }
}
