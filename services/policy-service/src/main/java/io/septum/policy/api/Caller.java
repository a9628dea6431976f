package io.septum.policy.api;

import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

/**
 * Who makes the current request, as recorded in each revision ("who"). The one place that decides it:
 * until requests are authenticated it is what the caller says in the {@value #HEADER} header, or
 * "anonymous"; with authentication it becomes the token's subject, here and nowhere else.
 */
@RequestScoped
public class Caller {

    static final String HEADER = "X-Septum-Actor";
    static final String ANONYMOUS = "anonymous";
    static final int MAX_LENGTH = 200;

    @Inject
    HttpServerRequest request;

    /** The caller's name; a 400 when the header is too long or holds control characters. */
    public String name() {
        String value = request.getHeader(HEADER);
        if (value == null || value.isBlank()) {
            return ANONYMOUS;
        }
        String name = value.strip();
        if (name.length() > MAX_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
            throw new ApiException(400, "header " + HEADER + ": must be at most " + MAX_LENGTH
                    + " characters without control characters");
        }
        return name;
    }
}
