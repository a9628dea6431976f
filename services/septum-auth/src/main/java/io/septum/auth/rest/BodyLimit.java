package io.septum.auth.rest;

import io.septum.model.api.ErrorResponse;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * A service's limit on request bodies and its refusal: 413 with an {@link ErrorResponse} naming the operation, the
 * body's size, the limit and the property that sets it. A service that limits bodies produces one as a CDI bean;
 * {@link BodyLimitFilter} applies it to each request's Content-Length before anything of the body is read. A body
 * sent without a Content-Length passes that check (length -1): the operation checks what it read
 * ({@link #exceededBy}, {@link #message}), or the HTTP layer's own limit caps it.
 *
 * @param bytes      the largest accepted body
 * @param property   the configuration property that sets {@code bytes}, named in the refusal so that an operator
 *                   knows what to raise
 * @param operations which requests the limit covers, and how a refusal names their operation
 */
public record BodyLimit(long bytes, String property, Operations operations) {

    /** Which requests a limit covers, and how a refusal names their operation. */
    @FunctionalInterface
    public interface Operations {

        /** Every request, named by method and path ("PUT /v1/endpoints/shop/web-1"). */
        Operations EVERY_REQUEST = request -> request.getMethod() + " " + request.getUriInfo().getPath();

        /** The operation a refusal of {@code request} names; null for a request whose body the limit does not cover. */
        String of(ContainerRequestContext request);
    }

    /** Whether a body of {@code length} bytes is over the limit; an unknown length (-1) is not. */
    public boolean exceededBy(long length) {
        return length > bytes;
    }

    /** The refusal's message: "{operation}: body of N bytes is larger than the limit of L bytes ({property})". */
    public String message(String operation, long length) {
        return operation + ": body of " + length + " bytes is larger than the limit of " + bytes + " bytes (" + property + ")";
    }

    /** The 413 for a covered request whose Content-Length is over the limit; null (go on) for any other. */
    RestResponse<ErrorResponse> refuse(ContainerRequestContext request) {
        String operation = operations.of(request);
        if (operation == null || !exceededBy(request.getLength())) {
            return null;
        }
        return RestResponse.ResponseBuilder.<ErrorResponse>create(413)
                .entity(ErrorResponse.of(413, message(operation, request.getLength())))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .build();
    }
}
