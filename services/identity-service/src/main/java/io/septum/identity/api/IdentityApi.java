package io.septum.identity.api;

import io.septum.model.api.ErrorResponse;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * The REST API of identity-service, as openapi/identity.yaml specifies it: the error responses every resource
 * refers to by name ({@code @APIResponse(ref = "NotFound")}).
 */
@OpenAPIDefinition(
        info = @Info(title = "Septum identity-service", version = "0.1.0"),
        components = @Components(responses = {
                @APIResponse(name = IdentityApi.BAD_REQUEST, description = "Invalid input; each offending field is listed with its path and nothing was stored",
                        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class))),
                @APIResponse(name = IdentityApi.NOT_FOUND, description = "The object, or one it refers to, does not exist",
                        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class))),
                @APIResponse(name = IdentityApi.CONFLICT, description = "The request conflicts with stored state (an IP held by another endpoint, endpoints left in a namespace)",
                        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class))),
                @APIResponse(name = IdentityApi.UNAVAILABLE, description = "NATS could not take the bucket writes, or PostgreSQL is out of reach; nothing was stored",
                        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
        }))
public class IdentityApi extends Application {

    public static final String BAD_REQUEST = "BadRequest";
    public static final String NOT_FOUND = "NotFound";
    public static final String CONFLICT = "Conflict";
    public static final String UNAVAILABLE = "Unavailable";
}
