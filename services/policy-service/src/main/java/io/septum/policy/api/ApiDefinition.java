package io.septum.policy.api;

import io.septum.model.api.ErrorResponse;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * The parts of the served OpenAPI document that no resource method declares: the error responses the
 * operations refer to by name, as openapi/policy.yaml defines them. SmallRye reads the definition only from
 * the JAX-RS Application class; this one adds no path and registers every resource as usual.
 */
@OpenAPIDefinition(info = @Info(title = "Septum policy-service", version = "0.1.0"), components = @Components(responses = {
        @APIResponse(name = ApiDefinition.INVALID, responseCode = "400",
                description = "A document is invalid; errors lists every offending field. Nothing was stored.",
                content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class))),
        @APIResponse(name = ApiDefinition.NOT_FOUND, responseCode = "404", description = "No object of that name.",
                content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class))),
        @APIResponse(name = ApiDefinition.AMBIGUOUS, responseCode = "409",
                description = "Objects of several kinds have that name; pass kind.",
                content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class))),
        @APIResponse(name = ApiDefinition.TOO_LARGE, responseCode = "413",
                description = "The body is larger than the configured limit (septum.policy.max-body-size).",
                content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class))),
        @APIResponse(name = ApiDefinition.UNSUPPORTED, responseCode = "415", description = "The body is neither YAML nor JSON.",
                content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class))),
        @APIResponse(name = ApiDefinition.UNAVAILABLE, responseCode = "503",
                description = "NATS or PostgreSQL cannot be reached, or a change is stored but not yet in the bucket"
                        + " (the service rebuilds the bucket by itself); the message says which.",
                content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
}))
public class ApiDefinition extends Application {

    static final String INVALID = "InvalidInput";
    static final String NOT_FOUND = "NotFound";
    static final String AMBIGUOUS = "Ambiguous";
    static final String TOO_LARGE = "TooLarge";
    static final String UNSUPPORTED = "UnsupportedMediaType";
    static final String UNAVAILABLE = "Unavailable";
}
