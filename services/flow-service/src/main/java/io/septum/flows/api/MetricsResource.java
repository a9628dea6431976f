package io.septum.flows.api;

import io.septum.flows.ingest.FlowStats;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Prometheus text format: flows by node, verdict, drop reason and direction; every kind of loss. */
@Path("/metrics")
public class MetricsResource {

    @Inject
    FlowStats stats;

    @GET
    @Produces("text/plain; version=0.0.4")
    @Operation(operationId = "getMetrics", summary = "Prometheus metrics: flows by node, verdict, reason, direction; losses.")
    @APIResponse(responseCode = "200", description = "Prometheus text format 0.0.4.",
            content = @Content(mediaType = "text/plain; version=0.0.4", schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)))
    public String metrics() {
        StringBuilder out = new StringBuilder(4096);
        out.append("# HELP septum_flows_total Flows received from the enforcers, by node, verdict, drop reason and direction.\n");
        out.append("# TYPE septum_flows_total counter\n");
        stats.flows().forEach((k, n) -> out.append("septum_flows_total{node=\"").append(k.node()).append("\",verdict=\"")
                .append(k.verdict()).append("\",reason=\"").append(k.reason()).append("\",direction=\"").append(k.direction())
                .append("\"} ").append(n).append('\n'));
        out.append("# HELP septum_flow_losses_total Flow events lost, by node and where: ring_buffer (datapath), exporter (enforcer), "
                + "as the node's last batch reported.\n");
        out.append("# TYPE septum_flow_losses_total counter\n");
        for (FlowStats.NodeFlows n : stats.nodes()) {
            out.append("septum_flow_losses_total{node=\"").append(n.node()).append("\",where=\"ring_buffer\"} ").append(n.ringLosses()).append('\n');
            out.append("septum_flow_losses_total{node=\"").append(n.node()).append("\",where=\"exporter\"} ").append(n.exporterDrops()).append('\n');
        }
        out.append("# HELP septum_flow_batches_missing_total Flow batches missing from a node's sequence (lost on the way here).\n");
        out.append("# TYPE septum_flow_batches_missing_total counter\n");
        stats.nodes().forEach(n -> out.append("septum_flow_batches_missing_total{node=\"").append(n.node()).append("\"} ")
                .append(n.missingBatches()).append('\n'));
        out.append("# HELP septum_flow_messages_dropped_total Flow messages dropped here: slow_consumer (NATS, this service fell behind), "
                + "undecodable.\n");
        out.append("# TYPE septum_flow_messages_dropped_total counter\n");
        out.append("septum_flow_messages_dropped_total{why=\"slow_consumer\"} ").append(stats.slowConsumerDrops()).append('\n');
        out.append("septum_flow_messages_dropped_total{why=\"undecodable\"} ").append(stats.undecodable()).append('\n');
        out.append("# HELP septum_flow_follow_dropped_total Flows a follow stream dropped for a client too slow to take them.\n");
        out.append("# TYPE septum_flow_follow_dropped_total counter\n");
        out.append("septum_flow_follow_dropped_total ").append(stats.followDrops()).append('\n');
        return out.toString();
    }
}
