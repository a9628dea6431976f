package io.septum.identity.endpoints;

import io.septum.auth.Role;
import io.septum.auth.rest.Access;
import io.septum.auth.rest.CurrentCaller;
import io.septum.identity.allocation.IdentityResource;
import io.septum.identity.api.FieldProblems;
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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
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
    private final CurrentCaller caller;

    public EndpointResource(EndpointRegistry registry, CurrentCaller caller) {
        this.registry = registry;
        this.caller = caller;
    }

    @GET
    @APIResponse(responseCode = "200", description = "One page of endpoints",
            content = @Content(schema = @Schema(implementation = EndpointList.class)))
    @APIResponse(responseCode = "400", ref = IdentityApi.BAD_REQUEST)
    @Access({Role.VIEWER, Role.POLICY_EDITOR, Role.ENFORCER})
    public Uni<EndpointList> listEndpoints(
            @RestQuery @Parameter(description = "Only the endpoints of this node") String node,
            @RestQuery @Parameter(description = "Page size, 1–1000", schema = @Schema(type = SchemaType.INTEGER, format = "int32", defaultValue = "100"))
            String limit,
            @RestQuery("continue") @Parameter(description = "The continue token of the previous page")
            String continueToken) {
        return Operation.run("list endpoints", () -> {
            FieldProblems problems = new FieldProblems();
            int pageSize = problems.integer("limit", limit, IdentityResource.DEFAULT_LIMIT, 1, IdentityResource.MAX_LIMIT);
            String after = continueToken == null || continueToken.isEmpty() ? null : continueToken;
            if (after != null && after.indexOf('/') < 1) {
                problems.add("continue", "'" + after + "' is not a continue token (namespace/pod)");
            }
            problems.throwIfAny();
            return registry.list(node == null || node.isEmpty() ? null : node, pageSize, after);
        });
    }

    @PUT
    @Path("{namespace}/{pod}")
    @APIResponse(responseCode = "200", description = "The endpoint as stored, with its identity",
            content = @Content(schema = @Schema(implementation = Endpoint.class)))
    @APIResponse(responseCode = "400", ref = IdentityApi.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = IdentityApi.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = IdentityApi.CONFLICT)
    @APIResponse(responseCode = "503", ref = IdentityApi.UNAVAILABLE)
    @Access(value = Role.ENFORCER, node = Access.BODY)
    public Uni<Endpoint> putEndpoint(@RestPath String namespace, @RestPath String pod, EndpointSpec spec) {
        return Operation.run("put endpoint " + namespace + "/" + pod, () -> {
            EndpointSpec checked = EndpointSpecCheck.check(namespace, pod, spec);
            caller.requireNode(checked.node(), "the endpoint");
            return requireOwnNode(namespace, pod).chain(() -> registry.put(namespace, pod, checked));
        });
    }

    @GET
    @Path("{namespace}/{pod}")
    @APIResponse(responseCode = "200", description = "The endpoint",
            content = @Content(schema = @Schema(implementation = Endpoint.class)))
    @APIResponse(responseCode = "404", ref = IdentityApi.NOT_FOUND)
    @Access({Role.VIEWER, Role.POLICY_EDITOR, Role.ENFORCER})
    public Uni<Endpoint> getEndpoint(@RestPath String namespace, @RestPath String pod) {
        String key = namespace + "/" + pod;
        return Operation.find("get endpoint " + key, "endpoint " + key, () -> registry.find(namespace, pod));
    }

    @DELETE
    @Path("{namespace}/{pod}")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", ref = IdentityApi.NOT_FOUND)
    @APIResponse(responseCode = "503", ref = IdentityApi.UNAVAILABLE)
    @Access(value = Role.ENFORCER, node = Access.BODY)
    public Uni<Void> deleteEndpoint(@RestPath String namespace, @RestPath String pod) {
        return Operation.run("delete endpoint " + namespace + "/" + pod,
                () -> requireOwnNode(namespace, pod).chain(() -> registry.delete(namespace, pod)));
    }

    /**
     * An enforcer may change only endpoints of its own node: one registered by another node is neither taken
     * over nor deleted. Admin needs no look-up.
     */
    private Uni<Void> requireOwnNode(String namespace, String pod) {
        if (caller.get().is(Role.ADMIN)) {
            return Uni.createFrom().voidItem();
        }
        return registry.find(namespace, pod).invoke(existing -> {
            if (existing != null) {
                caller.requireNode(existing.node(), "the endpoint");
            }
        }).replaceWithVoid();
    }
}
