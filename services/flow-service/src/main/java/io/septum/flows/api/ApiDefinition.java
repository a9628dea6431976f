package io.septum.flows.api;

import io.septum.model.api.ErrorResponse;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** The shared error response of the served OpenAPI document, as openapi/flows.yaml defines it. */
@OpenAPIDefinition(info = @Info(title = "Septum flow-service", version = "0.1.0"), components = @Components(responses = {
        @APIResponse(name = ApiDefinition.INVALID_QUERY, responseCode = "400",
                description = "A filter is unknown, has a bad value, or conflicts with another; errors names each.",
                content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
}))
public class ApiDefinition extends Application {

    static final String INVALID_QUERY = "InvalidQuery";
}
