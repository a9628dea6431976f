package io.septum.policy.api;

import io.septum.policy.status.RevisionRealization;
import io.septum.policy.store.PolicyRepository;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
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

/** {@code /v1/revisions}: the history of every change, who made it when, and how far the nodes realized it. */
@Path("/v1/revisions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "revisions")
public class RevisionResource {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;

    @Inject
    PolicyRepository repository;

    @Inject
    RevisionRealization realization;

    @GET
    @Operation(operationId = "listRevisions", summary = "List revisions, newest first, one page at a time.")
    @APIResponse(responseCode = "200", description = "One page; next is the before of the next page, 0 after the last.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RevisionList.class)))
    @APIResponse(responseCode = "400", ref = ApiDefinition.INVALID)
    @APIResponse(responseCode = "503", ref = ApiDefinition.UNAVAILABLE)
    public Uni<RevisionList> list(@QueryParam("before") String before, @QueryParam("limit") String limit) {
        String operation = "list revisions";
        long below = before == null || before.isEmpty() ? Long.MAX_VALUE : number(operation, "query parameter before", before, 1, Long.MAX_VALUE);
        int size = limit == null || limit.isEmpty() ? DEFAULT_LIMIT : (int) number(operation, "query parameter limit", limit, 1, MAX_LIMIT);
        return repository.revisions(below, size)
                .map(page -> RevisionList.of(page, size, realization.snapshot()))
                .onFailure().transform(ApiException.in(operation));
    }

    @GET
    @Path("/{revision}")
    @Operation(operationId = "getRevision", summary = "Read one revision: who, when, what it changed, how far it is realized.")
    @APIResponse(responseCode = "200", description = "The revision and its changes, ordered by kind, namespace and name.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RevisionChanges.class)))
    @APIResponse(responseCode = "400", ref = ApiDefinition.INVALID)
    @APIResponse(responseCode = "404", ref = ApiDefinition.NOT_FOUND)
    @APIResponse(responseCode = "503", ref = ApiDefinition.UNAVAILABLE)
    public Uni<RevisionChanges> get(@PathParam("revision") String revision) {
        String operation = "get revision " + revision;
        long number = number(operation, "path parameter revision", revision, 1, Long.MAX_VALUE);
        return repository.revision(number)
                .map(found -> RevisionChanges.of(found.orElseThrow(() -> ApiException.notFound(operation)), realization.snapshot()))
                .onFailure().transform(ApiException.in(operation));
    }

    /** A whole number in [min, max], or a 400 naming the parameter. */
    static long number(String operation, String parameter, String value, long min, long max) {
        try {
            long number = Long.parseLong(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // Reported below, like a number out of range.
        }
        throw new ApiException(400, operation + ": " + parameter + " '" + value + "' must be a whole number from " + min
                + (max == Long.MAX_VALUE ? "" : " to " + max));
    }
}
