package io.septum.identity.api;

import io.septum.identity.allocation.IdentityConfig;
import io.septum.model.api.ErrorResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Answers 413 with an {@link ErrorResponse} for a body over {@code septum.identity.max-body-size} before it is read,
 * from its Content-Length, so that nothing of it is handled. Application-scoped so that the filter, created at static
 * init, reaches the runtime configuration only when it first runs.
 */
@ApplicationScoped
public class BodyLimit {

    @Inject
    IdentityConfig config;

    @ServerRequestFilter(preMatching = true)
    public Response rejectLargeBodies(ContainerRequestContext request) {
        long limit = config.maxBodySize().asLongValue();
        if (request.getLength() <= limit) {
            return null;
        }
        String operation = request.getMethod() + " " + request.getUriInfo().getPath();
        ErrorResponse body = ErrorResponse.of(413, operation + ": body of " + request.getLength()
                + " bytes is larger than the limit of " + limit + " bytes (septum.identity.max-body-size)");
        return Response.status(413).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}
