package io.septum.policy.api;

import io.septum.auth.rest.BodyLimit;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.ws.rs.HttpMethod;

/**
 * policy-service's {@link BodyLimit}: a policy body (POST, the only operation with one) of at most
 * {@code septum.policy.max-body-size}; {@link PolicyResource} checks a body sent without a Content-Length against it.
 */
public class PolicyBodyLimit {

    @Produces
    @Singleton
    static BodyLimit of(ApiConfig config) {
        return new BodyLimit(config.maxBodySize().asLongValue(), "septum.policy.max-body-size",
                request -> HttpMethod.POST.equals(request.getMethod()) ? PolicyResource.APPLY : null);
    }
}
