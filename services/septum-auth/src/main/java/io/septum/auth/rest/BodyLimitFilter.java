package io.septum.auth.rest;

import io.septum.model.api.ErrorResponse;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a request whose Content-Length is over the service's {@link BodyLimit} before matching, so that nothing of
 * the body is read (a client sending "Expect: 100-continue" never sends it). A service that produces no BodyLimit bean
 * limits nothing here. The limit is looked up when a request comes, not when the filter is made (at static init, before
 * the runtime configuration it is read from).
 */
public class BodyLimitFilter {

    @Inject
    Instance<BodyLimit> limit;

    @ServerRequestFilter(preMatching = true)
    public RestResponse<ErrorResponse> rejectLargeBodies(ContainerRequestContext request) {
        return limit.isResolvable() ? limit.get().refuse(request) : null;
    }
}
