package io.septum.identity.allocation;

import io.septum.auth.Role;
import io.septum.auth.rest.Access;
import io.septum.identity.api.ApiException;
import io.septum.identity.api.FieldProblems;
import io.septum.identity.api.IdentityApi;
import io.septum.identity.api.Operation;
import io.septum.model.identity.ReservedIdentity;
import io.septum.model.labels.EndpointSelector;
import io.septum.model.labels.Labels;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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
import org.jboss.resteasy.reactive.RestResponse;

import java.util.Arrays;
import java.util.Optional;

@Path("/v1/identities")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "identities")
public class IdentityResource {

    static final String ALLOCATE = "allocate identity";
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    private final IdentityAllocator allocator;
    private final AllocationRequests requests;

    public IdentityResource(IdentityAllocator allocator, AllocationRequests requests) {
        this.allocator = allocator;
        this.requests = requests;
    }

    @POST
    @APIResponse(responseCode = "200", description = "The label set already had this identity",
            content = @Content(schema = @Schema(implementation = Identity.class)))
    @APIResponse(responseCode = "201", description = "A new identity was allocated for the label set",
            content = @Content(schema = @Schema(implementation = Identity.class)))
    @APIResponse(responseCode = "400", ref = IdentityApi.BAD_REQUEST)
    @APIResponse(responseCode = "503", ref = IdentityApi.UNAVAILABLE)
    @Access({}) // identities are cluster-wide; enforcers get theirs by registering endpoints
    public Uni<RestResponse<Identity>> allocateIdentity(AllocateIdentityRequest request) {
        // Most requests never get here: AllocationRoute answers them; this method declares the operation (contract,
        // access rule) and answers what the route hands on (no or another content type, no length, refusals).
        try {
            return requests.allocate(request == null ? null : request.labels())
                    .map(a -> RestResponse.status(a.created() ? RestResponse.Status.CREATED : RestResponse.Status.OK, a.identity()))
                    .onFailure().transform(ApiException.in(ALLOCATE));
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(ApiException.in(ALLOCATE).apply(e));
        }
    }

    @GET
    @Path("lookup")
    @APIResponse(responseCode = "200", description = "The identity of the label set",
            content = @Content(schema = @Schema(implementation = Identity.class)))
    @APIResponse(responseCode = "400", ref = IdentityApi.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = IdentityApi.NOT_FOUND)
    @Access({Role.VIEWER, Role.POLICY_EDITOR, Role.ENFORCER})
    public Uni<Identity> lookupIdentity(
            @RestQuery @Parameter(description = "Label texts source:key=value, separated by commas", required = true)
            String labels) {
        return Operation.find("look up identity", "identity of labels " + labels, () -> {
            FieldProblems problems = new FieldProblems();
            Labels set = LabelTexts.read("labels", labels == null || labels.isEmpty() ? null : Arrays.asList(labels.split(",", -1)), problems);
            problems.throwIfAny();
            Labels relevant = allocator.relevant(set);
            Optional<ReservedIdentity> reserved = IdentityAllocator.reserved(relevant);
            return reserved.isPresent() ? Uni.createFrom().item(Identity.of(reserved.get())) : allocator.lookup(IdentityLabels.of(relevant));
        });
    }

    @GET
    @APIResponse(responseCode = "200", description = "One page of identities",
            content = @Content(schema = @Schema(implementation = IdentityList.class)))
    @APIResponse(responseCode = "400", ref = IdentityApi.BAD_REQUEST)
    @Access({Role.VIEWER, Role.POLICY_EDITOR, Role.ENFORCER})
    public Uni<IdentityList> listIdentities(
            @RestQuery @Parameter(description = "Kubernetes-style label selector over qualified label keys, e.g. k8s:app=web")
            String selector,
            @RestQuery @Parameter(description = "Page size, 1–1000", schema = @Schema(type = SchemaType.INTEGER, format = "int32", defaultValue = "100"))
            String limit,
            @RestQuery("continue") @Parameter(description = "The continue token of the previous page")
            String continueToken) {
        return Operation.run("list identities", () -> {
            FieldProblems problems = new FieldProblems();
            EndpointSelector parsed = SelectorQuery.parse("selector", selector, problems);
            int pageSize = problems.integer("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
            int after = problems.integer("continue", continueToken, 0, 0, Integer.MAX_VALUE);
            problems.throwIfAny();
            return allocator.list(parsed, pageSize, after);
        });
    }

    @GET
    @Path("reserved")
    @APIResponse(responseCode = "200", description = "The reserved identities",
            content = @Content(schema = @Schema(implementation = IdentityList.class)))
    @Access({Role.VIEWER, Role.POLICY_EDITOR, Role.ENFORCER})
    public IdentityList listReservedIdentities() {
        return new IdentityList(Arrays.stream(ReservedIdentity.values()).map(Identity::of).toList(), null);
    }

    @GET
    @Path("{id}")
    @APIResponse(responseCode = "200", description = "The identity",
            content = @Content(schema = @Schema(implementation = Identity.class)))
    @APIResponse(responseCode = "404", ref = IdentityApi.NOT_FOUND)
    @Access({Role.VIEWER, Role.POLICY_EDITOR, Role.ENFORCER})
    public Uni<Identity> getIdentity(@RestPath int id) {
        return Operation.find("get identity " + id, "identity " + id, () -> allocator.find(id));
    }
}
