package io.septum.flows.api;

import io.septum.model.api.ErrorResponse;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.WebApplicationException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;

/** Turns every failure into an {@link ErrorResponse} body with the matching status. */
public class ApiErrors {

    private static final Logger LOG = Logger.getLogger(ApiErrors.class);

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> api(ApiException e) {
        return e.response();
    }

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> framework(WebApplicationException e, HttpServerRequest request) {
        return new ApiException(e.getResponse().getStatus(), request.method() + " " + request.path() + ": " + e.getMessage(), List.of())
                .response();
    }

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> unexpected(Throwable e, HttpServerRequest request) {
        LOG.error(request.method() + " " + request.path(), e);
        return new ApiException(500, request.method() + " " + request.path() + ": internal error (" + e.getClass().getSimpleName() + ")",
                List.of()).response();
    }
}
