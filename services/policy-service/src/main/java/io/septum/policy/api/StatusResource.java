package io.septum.policy.api;

import io.septum.policy.status.ClusterStatus;
import io.septum.policy.status.StatusReporter;
import io.smallrye.mutiny.Uni;
import io.septum.auth.Role;
import io.septum.auth.rest.Access;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /v1/status}: how far every node has realized the current state; what {@code septum policy wait} polls. */
@Path("/v1/status")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "status")
public class StatusResource {

    @Inject
    StatusReporter reporter;

    @GET
    @Operation(operationId = "getStatus", summary = "How far every node has realized the current state.")
    @APIResponse(responseCode = "200", description = "Targets and every known node.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ClusterStatus.class)))
    @APIResponse(responseCode = "503", ref = ApiDefinition.UNAVAILABLE)
    @Access({Role.VIEWER, Role.POLICY_EDITOR, Role.ENFORCER})
    public Uni<ClusterStatus> status() {
        return reporter.current().onFailure().transform(ApiException.in("get status"));
    }
}
