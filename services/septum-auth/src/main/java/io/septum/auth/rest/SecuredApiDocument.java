package io.septum.auth.rest;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

import java.util.Map;

/**
 * Puts {@link AccessFilter}'s contract into the served OpenAPI document of every service that uses it: the
 * bearer-JWT security scheme required by every operation, and each operation's 401 and 403 responses
 * (shared as {@value #UNAUTHORIZED} and {@value #FORBIDDEN}), as the contracts in openapi/*.yaml declare them.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
public class SecuredApiDocument implements OASFilter {

    public static final String SCHEME = "bearerAuth";
    public static final String UNAUTHORIZED = "Unauthorized";
    public static final String FORBIDDEN = "Forbidden";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        Components components = openAPI.getComponents();
        components.addSecurityScheme(SCHEME, OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP)
                .scheme("bearer").bearerFormat("JWT")
                .description("A JWT from the configured issuer (locally: ./septum auth token). Roles in 'groups': septum-admin,"
                        + " policy-editor (namespaces in 'septum_namespaces'), viewer, enforcer (node in 'septum_node')."));
        components.addResponse(UNAUTHORIZED, error("No bearer token, or one that is expired, not signed by a trusted key, or"
                + " for another issuer or audience. Nothing was changed."));
        components.addResponse(FORBIDDEN, error("The token's role may not call this operation, or not for this namespace or"
                + " node; the message says which (role missing, namespace not granted, node mismatch). Nothing was changed."));
        openAPI.addSecurityRequirement(OASFactory.createSecurityRequirement().addScheme(SCHEME));
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        for (PathItem path : openAPI.getPaths().getPathItems().values()) {
            for (Map.Entry<PathItem.HttpMethod, Operation> operation : path.getOperations().entrySet()) {
                if (operation.getValue().getResponses() == null) {
                    operation.getValue().setResponses(OASFactory.createAPIResponses());
                }
                operation.getValue().getResponses()
                        .addAPIResponse("401", OASFactory.createAPIResponse().ref(UNAUTHORIZED))
                        .addAPIResponse("403", OASFactory.createAPIResponse().ref(FORBIDDEN));
            }
        }
    }

    private static APIResponse error(String description) {
        return OASFactory.createAPIResponse().description(description)
                .content(OASFactory.createContent().addMediaType("application/json", OASFactory.createMediaType()
                        .schema(OASFactory.createSchema().ref("ErrorResponse"))));
    }
}
