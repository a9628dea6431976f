package io.septum.identity.namespaces;

import io.septum.auth.Role;
import io.septum.auth.rest.Access;
import io.septum.identity.api.FieldProblems;
import io.septum.identity.api.IdentityApi;
import io.septum.identity.api.Operation;
import io.septum.model.identity.K8sIdentityLabels;
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

@Path("/v1/namespaces")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "namespaces")
public class NamespaceResource {

    private final NamespaceRegistry registry;

    public NamespaceResource(NamespaceRegistry registry) {
        this.registry = registry;
    }

    @GET
    @APIResponse(responseCode = "200", description = "The namespaces",
            content = @Content(schema = @Schema(implementation = NamespaceList.class)))
    @Access({Role.VIEWER, Role.POLICY_EDITOR, Role.ENFORCER})
    public Uni<NamespaceList> listNamespaces() {
        return Operation.run("list namespaces", () -> registry.list().map(NamespaceList::new));
    }

    @PUT
    @Path("{name}")
    @APIResponse(responseCode = "200", description = "The namespace as stored",
            content = @Content(schema = @Schema(implementation = Namespace.class)))
    @APIResponse(responseCode = "400", ref = IdentityApi.BAD_REQUEST)
    @APIResponse(responseCode = "503", ref = IdentityApi.UNAVAILABLE)
    @Access({}) // namespaces are cluster-wide: septum-admin only
    public Uni<Namespace> putNamespace(@RestPath String name, NamespaceSpec spec) {
        return Operation.run("put namespace " + name, () -> {
            NamespaceSpec body = spec == null ? new NamespaceSpec(null) : spec;
            FieldProblems problems = new FieldProblems();
            problems.dnsLabel("name", name);
            problems.labelMap("labels", body.labels());
            String metadataName = body.labels().get(K8sIdentityLabels.METADATA_NAME_LABEL);
            if (metadataName != null && !metadataName.equals(name)) {
                problems.add("labels." + K8sIdentityLabels.METADATA_NAME_LABEL, "must be the namespace's name '" + name + "', not '" + metadataName + "'");
            }
            problems.throwIfAny();
            return registry.put(name, body.labels());
        });
    }

    @GET
    @Path("{name}")
    @APIResponse(responseCode = "200", description = "The namespace",
            content = @Content(schema = @Schema(implementation = Namespace.class)))
    @APIResponse(responseCode = "404", ref = IdentityApi.NOT_FOUND)
    @Access({Role.VIEWER, Role.POLICY_EDITOR, Role.ENFORCER})
    public Uni<Namespace> getNamespace(@RestPath String name) {
        return Operation.find("get namespace " + name, "namespace " + name, () -> registry.find(name));
    }

    @DELETE
    @Path("{name}")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", ref = IdentityApi.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = IdentityApi.CONFLICT)
    @Access({})
    public Uni<Void> deleteNamespace(@RestPath String name) {
        return Operation.run("delete namespace " + name, () -> registry.delete(name));
    }
}
