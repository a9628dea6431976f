package io.septum.policy.api;

import io.septum.model.policy.Protocol;
import io.septum.policy.explain.ClusterView;
import io.septum.policy.explain.Explainer;
import io.septum.policy.explain.Explanation;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /v1/explain}: "why was this dropped?" — the datapath's verdict on a connection and the rules behind it. */
@Path("/v1/explain")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "explain")
public class ExplainResource {

    static final String OPERATION = "explain";

    @Inject
    ClusterView view;

    @ConfigProperty(name = "septum.explain.allow-from-host", defaultValue = "true")
    boolean allowFromHost;

    @GET
    @Blocking
    @Operation(operationId = "explain", summary = "The verdict the datapath gives a connection, each direction, and the rules that decide it.")
    @APIResponse(responseCode = "200", description = "The verdict of egress at the source, ingress at the destination, and overall.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Explanation.class)))
    @APIResponse(responseCode = "400", ref = ApiDefinition.INVALID)
    @APIResponse(responseCode = "404", ref = ApiDefinition.NOT_FOUND)
    @APIResponse(responseCode = "503", ref = ApiDefinition.UNAVAILABLE)
    public Explanation explain(@QueryParam("from") @Parameter(required = true) String from,
                               @QueryParam("to") @Parameter(required = true) String to,
                               @QueryParam("port") @Parameter(required = true) String port,
                               @QueryParam("protocol") @DefaultValue("TCP") String protocol) {
        if (from == null || from.isBlank()) {
            throw new ApiException(400, OPERATION + ": query parameter from: required (NS/POD)");
        }
        if (to == null || to.isBlank()) {
            throw new ApiException(400, OPERATION + ": query parameter to: required (NS/POD or an IPv4 address)");
        }
        String operation = OPERATION + " " + from + " -> " + to;
        int number = (int) RevisionResource.number(operation, "query parameter port", port == null ? "" : port, 1, 65535);
        Protocol l4 = Protocol.parse(protocol).filter(p -> p != Protocol.ICMP).orElseThrow(() -> new ApiException(400,
                operation + ": query parameter protocol '" + protocol + "' must be TCP, UDP or SCTP"));
        if (!view.synced()) {
            throw new ApiException(503, operation + ": the identities, ipcache and policies buckets are not read yet");
        }
        try {
            return view.read(cluster -> new Explainer(allowFromHost).explain(cluster, from, to, number, l4));
        } catch (Explainer.ExplainException e) {
            throw new ApiException(e.status(), operation + ": " + e.getMessage());
        }
    }
}
