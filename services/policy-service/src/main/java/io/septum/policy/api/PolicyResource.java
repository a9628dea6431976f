package io.septum.policy.api;

import io.septum.auth.Role;
import io.septum.auth.rest.Access;
import io.septum.auth.rest.CurrentCaller;
import io.septum.model.policy.FieldCursor;
import io.septum.model.policy.PolicyObject;
import io.septum.model.policy.PolicyParser;
import io.septum.model.policy.PolicyValidationException;
import io.septum.policy.distribution.PolicyWriter;
import io.septum.policy.store.PolicyRepository;
import io.septum.policy.store.PolicySelection;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@code /v1/policies}: apply, list, read and delete policy objects (contract: openapi/policy.yaml). */
@Path("/v1/policies")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "policies")
public class PolicyResource {

    static final String YAML = "application/yaml";
    static final String APPLY = "apply policies";
    /** In a path, the namespace of cluster-wide kinds (which have none), as in bucket keys. */
    static final String NO_NAMESPACE = "_";

    @Inject
    PolicyWriter writer;

    @Inject
    PolicyRepository repository;

    @Inject
    BodyLimit bodyLimit;

    @Inject
    CurrentCaller caller;

    @POST
    @Consumes({YAML, MediaType.APPLICATION_JSON})
    @Operation(operationId = "applyPolicies", summary = "Create or update policy objects, all or nothing.")
    @APIResponse(responseCode = "200", description = "Every object is stored and distributed.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApplyResponse.class)))
    @APIResponse(responseCode = "400", ref = ApiDefinition.INVALID)
    @APIResponse(responseCode = "413", ref = ApiDefinition.TOO_LARGE)
    @APIResponse(responseCode = "415", ref = ApiDefinition.UNSUPPORTED)
    @APIResponse(responseCode = "503", ref = ApiDefinition.UNAVAILABLE)
    @Access(value = Role.POLICY_EDITOR, namespace = Access.BODY)
    public Uni<ApplyResponse> apply(@QueryParam("namespace") @DefaultValue(PolicyParser.DEFAULT_NAMESPACE) String namespace,
                                    String body) {
        // Bodies sent without Content-Length pass BodyLimit's filter: check what was read.
        long length = body.getBytes(StandardCharsets.UTF_8).length;
        if (length > bodyLimit.limit()) {
            return Uni.createFrom().failure(bodyLimit.tooLarge(length));
        }
        if (!FieldCursor.isDnsLabel(namespace)) {
            return Uni.createFrom().failure(new ApiException(400, APPLY + ": query parameter namespace '" + namespace
                    + "' is not a valid namespace: lower-case alphanumerics and '-', at most 63 characters"));
        }
        // Parsing a large bundle is CPU work: on a worker thread, then back to this request's context for the write.
        Context context = Vertx.currentContext();
        return Uni.createFrom().item(() -> parse(body, namespace))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .emitOn(task -> context.runOnContext(v -> task.run()))
                .invoke(this::requireNamespaces)
                .chain(objects -> writer.apply(objects))
                .map(ApplyResponse::of)
                .onFailure().transform(ApiException.in(APPLY));
    }

    @GET
    @Operation(operationId = "listPolicies", summary = "List stored policy objects.")
    @APIResponse(responseCode = "200", description = "The stored objects, ordered by kind, namespace and name.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PolicyList.class)))
    @APIResponse(responseCode = "503", ref = ApiDefinition.UNAVAILABLE)
    @Access({Role.VIEWER, Role.POLICY_EDITOR, Role.ENFORCER})
    public Uni<PolicyList> list(@QueryParam("namespace") String namespace) {
        return repository.find(PolicySelection.inNamespace(Optional.ofNullable(namespace)))
                .map(PolicyList::of)
                .onFailure().transform(ApiException.in("list policies"));
    }

    @DELETE
    @Operation(operationId = "deletePolicies", summary = "Delete every policy object, or every object of one namespace.")
    @APIResponse(responseCode = "200", description = "The deleted objects (none is not an error).",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DeleteResponse.class)))
    @APIResponse(responseCode = "503", ref = ApiDefinition.UNAVAILABLE)
    @Access(value = Role.POLICY_EDITOR, namespace = "query:namespace")
    public Uni<DeleteResponse> deleteAll(@QueryParam("namespace") String namespace) {
        PolicySelection selection = PolicySelection.inNamespace(Optional.ofNullable(namespace));
        return writer.delete(selection)
                .map(DeleteResponse::of)
                .onFailure().transform(ApiException.in("delete " + selection.describe()));
    }

    @GET
    @Path("/{namespace}/{name}")
    @Operation(operationId = "getPolicy", summary = "Read one stored policy object with its document.")
    @APIResponse(responseCode = "200", description = "The object as stored and distributed.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PolicyDetail.class)))
    @APIResponse(responseCode = "404", ref = ApiDefinition.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDefinition.AMBIGUOUS)
    @APIResponse(responseCode = "503", ref = ApiDefinition.UNAVAILABLE)
    @Access({Role.VIEWER, Role.POLICY_EDITOR, Role.ENFORCER})
    public Uni<PolicyDetail> get(@PathParam("namespace") String namespace, @PathParam("name") String name,
                                 @QueryParam("kind") String kind) {
        PolicySelection selection = named(namespace, name, kind);
        String operation = "get " + selection.describe();
        return repository.find(selection).map(found -> switch (found.size()) {
            case 0 -> throw ApiException.notFound(operation);
            case 1 -> PolicyDetail.of(found.getFirst());
            default -> throw new ApiException(409, operation + ": exists as several kinds ("
                    + found.stream().map(p -> p.kind).collect(Collectors.joining(", ")) + "); pass ?kind=");
        }).onFailure().transform(ApiException.in(operation));
    }

    @DELETE
    @Path("/{namespace}/{name}")
    @Operation(operationId = "deletePolicy", summary = "Delete the objects of that namespace and name (of every kind unless kind is given).")
    @APIResponse(responseCode = "200", description = "The deleted objects.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DeleteResponse.class)))
    @APIResponse(responseCode = "404", ref = ApiDefinition.NOT_FOUND)
    @APIResponse(responseCode = "503", ref = ApiDefinition.UNAVAILABLE)
    @Access(value = Role.POLICY_EDITOR, namespace = "path:namespace")
    public Uni<DeleteResponse> delete(@PathParam("namespace") String namespace, @PathParam("name") String name,
                                      @QueryParam("kind") String kind) {
        PolicySelection selection = named(namespace, name, kind);
        String operation = "delete " + selection.describe();
        return writer.delete(selection).map(outcome -> {
            if (outcome.deleted().isEmpty()) {
                throw ApiException.notFound(operation);
            }
            return DeleteResponse.of(outcome);
        }).onFailure().transform(ApiException.in(operation));
    }

    /** All or nothing: one object outside the caller's namespaces refuses the whole bundle before anything is written. */
    private void requireNamespaces(List<PolicyObject> objects) {
        for (PolicyObject object : objects) {
            caller.requireNamespace(object.ref().namespace(), object.ref().toString());
        }
    }

    private static List<PolicyObject> parse(String body, String namespace) {
        try {
            return PolicyParser.parse(body, namespace);
        } catch (PolicyValidationException e) {
            throw new ApiException(400, APPLY + ": " + e.getMessage(), e.errors());
        }
    }

    private static PolicySelection named(String namespace, String name, String kind) {
        return PolicySelection.named(NO_NAMESPACE.equals(namespace) ? "" : namespace, name,
                Optional.ofNullable(kind).filter(k -> !k.isBlank()));
    }
}
