package io.septum.flows.api;

import io.septum.flows.ingest.FlowIngest;
import io.septum.flows.ingest.FlowStats;
import io.septum.flows.window.FlowWindow;
import io.septum.model.flows.Flow;
import io.septum.model.flows.FlowQuery;
import io.septum.model.flows.FlowQueryException;
import io.septum.model.flows.FlowQueryParser;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/** The observe API: recent flows with filters, a live follow stream, the service map, the loss counts. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class FlowResource {

    /** Body of GET /v1/flows: the matching flows, oldest first. */
    public record FlowList(List<Flow> items) {
    }

    /** One edge of the service map: flows from one workload to another on one port. */
    public record ServiceMapEdge(String source, String destination, String protocol, int port, long forwarded, long dropped,
            long audited) {
    }

    /** Body of GET /v1/servicemap: edges over the flows of the window that match the filters. */
    public record ServiceMap(List<ServiceMapEdge> edges, long flows) {
    }

    /** Body of GET /v1/status: the window and every kind of loss. */
    public record FlowServiceStatus(int windowCapacity, long received, List<FlowStats.NodeFlows> nodes, long slowConsumerDrops,
            long undecodableMessages, long followDrops, List<String> dropReasons) {
    }

    @Inject
    FlowWindow window;

    @Inject
    FlowStats stats;

    @Inject
    FlowIngest ingest;

    @ConfigProperty(name = "septum.flows.max-results")
    int maxResults;

    @GET
    @Path("/flows")
    @Operation(operationId = "listFlows", summary = "The most recent flows that match the filters, oldest first.")
    @APIResponse(responseCode = "200", description = "The matching flows.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = FlowList.class)))
    @APIResponse(responseCode = "400", ref = ApiDefinition.INVALID_QUERY)
    public FlowList flows(@Context UriInfo uri) {
        FlowQuery query = parse("list flows", uri, false);
        return new FlowList(window.query(query, maxResults).stream().map(FlowWindow.Entry::flow).toList());
    }

    @GET
    @Path("/flows/follow")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(operationId = "followFlows", summary = "Server-Sent Events: the last matching flows (with last), then every new one.")
    @APIResponse(responseCode = "200", description = "One event per flow, its data a Flow in JSON.",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(implementation = Flow.class)))
    @APIResponse(responseCode = "400", ref = ApiDefinition.INVALID_QUERY)
    public Multi<Flow> follow(@Context UriInfo uri) {
        FlowQuery query = parse("follow flows", uri, true);
        List<Flow> backlog = query.last() > 0 ? window.query(query, maxResults).stream().map(FlowWindow.Entry::flow).toList() : List.of();
        Multi<Flow> live = Multi.createFrom().<Flow>emitter(emitter -> {
            Consumer<FlowWindow.Entry> listener = e -> {
                if (query.matches(e.timeNanos(), e.flow())) {
                    emitter.emit(e.flow());
                }
            };
            window.listen(listener);
            emitter.onTermination(() -> window.unlisten(listener));
        }).onOverflow().invoke(f -> stats.followDropped()).drop()
                .emitOn(Infrastructure.getDefaultWorkerPool());
        return Multi.createBy().concatenating().streams(Multi.createFrom().iterable(backlog), live);
    }

    @GET
    @Path("/servicemap")
    @Operation(operationId = "getServiceMap", summary = "Edges between workloads over the window's flows that match the filters.")
    @APIResponse(responseCode = "200", description = "One edge per source, destination, protocol and port.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ServiceMap.class)))
    @APIResponse(responseCode = "400", ref = ApiDefinition.INVALID_QUERY)
    public ServiceMap serviceMap(@Context UriInfo uri) {
        FlowQuery query = parse("build service map", uri, false);
        Map<String, long[]> counts = new TreeMap<>();
        Map<String, ServiceMapEdge> shapes = new TreeMap<>();
        List<FlowWindow.Entry> entries = window.query(query, window.capacity());
        for (FlowWindow.Entry e : entries) {
            Flow f = e.flow();
            String key = f.source().name() + "\u0000" + f.destination().name() + "\u0000" + f.protocol() + "\u0000" + f.destinationPort();
            shapes.putIfAbsent(key, new ServiceMapEdge(f.source().name(), f.destination().name(), f.protocol(), f.destinationPort(), 0, 0, 0));
            long[] c = counts.computeIfAbsent(key, k -> new long[3]);
            c[switch (f.verdict()) { case "FORWARDED" -> 0; case "DROPPED" -> 1; default -> 2; }]++;
        }
        List<ServiceMapEdge> edges = new ArrayList<>();
        shapes.forEach((key, s) -> {
            long[] c = counts.get(key);
            edges.add(new ServiceMapEdge(s.source(), s.destination(), s.protocol(), s.port(), c[0], c[1], c[2]));
        });
        return new ServiceMap(edges, entries.size());
    }

    @GET
    @Path("/status")
    @Operation(operationId = "getFlowStatus", summary = "The window, what each node sent, and every kind of loss.")
    @APIResponse(responseCode = "200", description = "Window and loss counts.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = FlowServiceStatus.class)))
    public FlowServiceStatus status() {
        return new FlowServiceStatus(window.capacity(), window.appended(), stats.nodes(), stats.slowConsumerDrops(),
                stats.undecodable(), stats.followDrops(), List.copyOf(ingest.dropReasons().names()));
    }

    private FlowQuery parse(String operation, UriInfo uri, boolean follow) {
        List<FlowQueryParser.Param> params = new ArrayList<>();
        uri.getQueryParameters().forEach((name, values) -> values.forEach(v -> params.add(new FlowQueryParser.Param(name, v))));
        try {
            return new FlowQueryParser("", ingest.dropReasons().names(), Instant.now()).parse(params, follow);
        } catch (FlowQueryException e) {
            throw new ApiException(400, operation + ": " + e.getMessage(), e.errors());
        }
    }
}
