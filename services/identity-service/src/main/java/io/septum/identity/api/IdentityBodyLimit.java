package io.septum.identity.api;

import io.septum.auth.rest.BodyLimit;
import io.septum.identity.allocation.IdentityConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** identity-service's {@link BodyLimit}: every request's body, at most {@code septum.identity.max-body-size}. */
public class IdentityBodyLimit {

    @Produces
    @Singleton
    static BodyLimit of(IdentityConfig config) {
        return new BodyLimit(config.maxBodySize().asLongValue(), "septum.identity.max-body-size", BodyLimit.Operations.EVERY_REQUEST);
    }
}
