package io.septum.identity.endpoints;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.septum.identity.api.IdentityApi;
import io.septum.identity.api.Operation;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

@Path("/v1/endpoints")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "endpoints")
public class EndpointResource {

    private final EndpointRegistry registry;

    public EndpointResource(EndpointRegistry registry) {
        this.registry = registry;
    }

    @GET
    @WithSession
    @APIResponse(responseCode = "200", description = "The endpoints",
            content = @Content(schema = @Schema(implementation = EndpointList.class)))
    public Uni<EndpointList> listEndpoints(@RestQuery String node) {
        return Operation.run("list endpoints", () -> registry.list(node == null || node.isEmpty() ? null : node).map(EndpointList::new));
    }

    @PUT
    @Path("{namespace}/{pod}")
    @APIResponse(responseCode = "200", description = "The endpoint as stored, with its identity",
            content = @Content(schema = @Schema(implementation = Endpoint.class)))
    @APIResponse(responseCode = "400", ref = IdentityApi.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = IdentityApi.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = IdentityApi.CONFLICT)
    @APIResponse(responseCode = "503", ref = IdentityApi.UNAVAILABLE)
    public Uni<Endpoint> putEndpoint(@RestPath String namespace, @RestPath String pod, EndpointSpec spec) {
        return Operation.run("put endpoint " + namespace + "/" + pod,
                () -> registry.put(namespace, pod, EndpointSpecCheck.check(namespace, pod, spec)));
    }

    @GET
    @Path("{namespace}/{pod}")
    @WithSession
    @APIResponse(responseCode = "200", description = "The endpoint",
            content = @Content(schema = @Schema(implementation = Endpoint.class)))
    @APIResponse(responseCode = "404", ref = IdentityApi.NOT_FOUND)
    public Uni<Endpoint> getEndpoint(@RestPath String namespace, @RestPath String pod) {
        String key = namespace + "/" + pod;
        return Operation.find("get endpoint " + key, "endpoint " + key, () -> registry.find(namespace, pod));
    }

    @DELETE
    @Path("{namespace}/{pod}")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", ref = IdentityApi.NOT_FOUND)
    @APIResponse(responseCode = "503", ref = IdentityApi.UNAVAILABLE)
    public Uni<Void> deleteEndpoint(@RestPath String namespace, @RestPath String pod) {
        return Operation.run("delete endpoint " + namespace + "/" + pod, () -> registry.delete(namespace, pod));
    }
}
