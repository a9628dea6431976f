package io.septum.policy.api;

import io.septum.auth.Role;
import io.septum.auth.rest.Access;
import io.septum.auth.rest.BodyLimit;
import io.septum.auth.rest.CurrentCaller;
import io.septum.model.policy.FieldCursor;
import io.septum.model.policy.PolicyObject;
import io.septum.model.policy.PolicyParser;
import io.septum.model.policy.PolicyValidationException;
import io.septum.policy.distribution.PolicyWriter;
import io.septum.policy.status.RevisionRealization;
import io.septum.policy.store.ApplyRequest;
import io.septum.policy.store.PolicyRepository;
import io.septum.policy.store.PolicySelection;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Instance;
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
import java.util.regex.Pattern;
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
    /** A bundle source: a repository path, an application name (Argo CD's tracking label allows the like). */
    static final Pattern SOURCE = Pattern.compile("[A-Za-z0-9._/:-]{1,253}");

    @Inject
    PolicyWriter writer;

    @Inject
    PolicyRepository repository;

    /** Looked up per request: the resource may be made before the runtime configuration the limit is read from. */
    @Inject
    Instance<BodyLimit> bodyLimit;

    @Inject
CurrentCaller access;

    @Inject
    Caller caller;

    @Inject
    RevisionRealization realization;

    @POST
    @Consumes({YAML, MediaType.APPLICATION_JSON})
    @Operation(operationId = "applyPolicies", summary = "Create or update policy objects, all or nothing.")
    @APIResponse(responseCode = "200", description = "Every object is stored and distributed (with dryRun: what would change; nothing stored).",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApplyResponse.class)))
    @APIResponse(responseCode = "400", ref = ApiDefinition.INVALID)
    @APIResponse(responseCode = "413", ref = ApiDefinition.TOO_LARGE)
    @APIResponse(responseCode = "415", ref = ApiDefinition.UNSUPPORTED)
    @APIResponse(responseCode = "503", ref = ApiDefinition.UNAVAILABLE)
    @Access(value = Role.POLICY_EDITOR, namespace = Access.BODY)
    public Uni<ApplyResponse> apply(@QueryParam("namespace") @DefaultValue(PolicyParser.DEFAULT_NAMESPACE) String namespace,
                                    @QueryParam("dryRun") @DefaultValue("false") String dryRun,
                                    @QueryParam("prune") @DefaultValue("false") String prune,
                                    @QueryParam("source") String source,
                                    String body) {
        // Bodies sent without Content-Length pass BodyLimitFilter: check what was read.
        long length = body.getBytes(StandardCharsets.UTF_8).length;
        BodyLimit limit = bodyLimit.get();
        if (limit.exceededBy(length)) {
            return Uni.createFrom().failure(new ApiException(413, limit.message(APPLY, length)));
        }
        if (!FieldCursor.isDnsLabel(namespace)) {
            return Uni.createFrom().failure(new ApiException(400, APPLY + ": query parameter namespace '" + namespace
                    + "' is not a valid namespace: lower-case alphanumerics and '-', at most 63 characters"));
        }
        boolean dry = flag("dryRun", dryRun);
        boolean pruning = flag("prune", prune);
        Optional<String> owner = Optional.ofNullable(source).filter(s -> !s.isEmpty());
        if (owner.isPresent() && !SOURCE.matcher(owner.get()).matches()) {
            throw new ApiException(400, APPLY + ": query parameter source '" + owner.get() + "' is not a valid source:"
                    + " 1-253 characters of letters, digits and . _ - / :");
        }
        if (pruning && owner.isEmpty()) {
            throw new ApiException(400, APPLY + ": query parameter prune needs source: only the objects a source"
                    + " owns are pruned, so an apply cannot delete objects it never applied");
        }
        String actor = caller.name();
        // Parsing a large bundle is CPU work: on a worker thread, then back to this request's context for the write.
        Context context = Vertx.currentContext();
        return Uni.createFrom().item(() -> parse(body, namespace))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .emitOn(task -> context.runOnContext(v -> task.run()))
                .invoke(this::requireNamespaces)
                .chain(objects -> writer.apply(new ApplyRequest(objects, actor, owner, pruning, dry)))
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
        return writer.delete(selection, caller.name())
                .map(DeleteResponse::of)
                .onFailure().transform(ApiException.in("delete " + selection.describe()));
    }

    @GET
    @Path("/{namespace}/{name}")
    @Operation(operationId = "getPolicy", summary = "Read one policy object with its document: as stored, or as it was after a past revision.")
    @APIResponse(responseCode = "200", description = "The object as stored and distributed (or as it was after that revision).",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PolicyDetail.class)))
    @APIResponse(responseCode = "400", ref = ApiDefinition.INVALID)
    @APIResponse(responseCode = "404", ref = ApiDefinition.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDefinition.AMBIGUOUS)
    @APIResponse(responseCode = "503", ref = ApiDefinition.UNAVAILABLE)
    @Access({Role.VIEWER, Role.POLICY_EDITOR, Role.ENFORCER})
    public Uni<PolicyDetail> get(@PathParam("namespace") String namespace, @PathParam("name") String name,
                                 @QueryParam("kind") String kind, @QueryParam("revision") String revision) {
        PolicySelection selection = named(namespace, name, kind);
        String operation = "get " + selection.describe() + (revision == null ? "" : " at revision " + revision);
        Uni<List<PolicyDetail>> found;
        if (revision == null || revision.isEmpty()) {
            found = repository.find(selection).map(policies -> policies.stream().map(PolicyDetail::of).toList());
        } else {
            long number = RevisionResource.number(operation, "query parameter revision", revision, 1, Long.MAX_VALUE);
            found = repository.asOf(selection, number).map(changes -> changes.stream().map(PolicyDetail::of).toList());
        }
        return found.map(details -> switch (details.size()) {
            case 0 -> throw ApiException.notFound(operation);
            case 1 -> details.getFirst();
            default -> throw new ApiException(409, operation + ": exists as several kinds ("
                    + details.stream().map(PolicyDetail::kind).collect(Collectors.joining(", ")) + "); pass ?kind=");
        }).onFailure().transform(ApiException.in(operation));
    }

    @GET
    @Path("/{namespace}/{name}/history")
    @Operation(operationId = "getPolicyHistory", summary = "Every change of the objects of that namespace and name, newest first.")
    @APIResponse(responseCode = "200", description = "The changes with who made them when; empty items: never existed.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PolicyHistory.class)))
    @APIResponse(responseCode = "503", ref = ApiDefinition.UNAVAILABLE)
    @Access({Role.VIEWER, Role.POLICY_EDITOR, Role.ENFORCER})
    public Uni<PolicyHistory> history(@PathParam("namespace") String namespace, @PathParam("name") String name,
                                      @QueryParam("kind") String kind) {
        PolicySelection selection = named(namespace, name, kind);
        return repository.history(selection)
                .map(history -> PolicyHistory.of(history, realization.snapshot()))
                .onFailure().transform(ApiException.in("history of " + selection.describe()));
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
        return writer.delete(selection, caller.name()).map(outcome -> {
            if (outcome.deleted().isEmpty()) {
                throw ApiException.notFound(operation);
            }
            return DeleteResponse.of(outcome);
        }).onFailure().transform(ApiException.in(operation));
    }

    /** All or nothing: one object outside the caller's namespaces refuses the whole bundle before anything is written. */
    private void requireNamespaces(List<PolicyObject> objects) {
        for (PolicyObject object : objects) {
            access.requireNamespace(object.ref().namespace(), object.ref().toString());
        }
    }

    /** A boolean query parameter, strictly: a typo must not turn a dry run into a real apply. */
    static boolean flag(String parameter, String value) {
        return switch (value) {
            case "true", "" -> true;
            case "false" -> false;
            default -> throw new ApiException(400, APPLY + ": query parameter " + parameter + " '" + value + "' must be true or false");
        };
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
