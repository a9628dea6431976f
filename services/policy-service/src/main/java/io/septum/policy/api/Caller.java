package io.septum.policy.api;

import io.septum.auth.rest.CurrentCaller;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

/**
 * Who makes the current request, as recorded in each revision ("who"). The one place that decides it: the
 * subject of the verified bearer token (septum-auth), never what a client says about itself.
 */
@RequestScoped
public class Caller {

    @Inject
    CurrentCaller current;

    public String name() {
        return current.get().subject();
    }
}
