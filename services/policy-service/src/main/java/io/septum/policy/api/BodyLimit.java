package io.septum.policy.api;

import io.septum.model.api.ErrorResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Answers 413 for a policy body over {@code septum.policy.max-body-size} before it is read, from its
 * Content-Length; {@link PolicyResource} checks bodies sent without one. Application-scoped so that the
 * filter, created at static init, reaches the runtime configuration only when it first runs.
 */
@ApplicationScoped
public class BodyLimit {

    @Inject
    ApiConfig config;

    @ServerRequestFilter(preMatching = true)
    public RestResponse<ErrorResponse> rejectLargeBodies(ContainerRequestContext request) {
        if (HttpMethod.POST.equals(request.getMethod()) && request.getLength() > limit()) {
            return tooLarge(request.getLength()).response();
        }
        return null;
    }

    long limit() {
        return config.maxBodySize().asLongValue();
    }

    ApiException tooLarge(long length) {
        return new ApiException(413, PolicyResource.APPLY + ": body of " + length + " bytes is larger than the limit of "
                + limit() + " bytes (septum.policy.max-body-size)");
    }
}
