package io.septum.enforcer.agent.flows;

import io.septum.enforcer.agent.api.LocalApiServer;
import io.septum.enforcer.agent.api.LocalApiServer.Reply;

/**
 * The exporter's counters on the enforcer's API: Prometheus lines appended to {@code /metrics}, and
 * {@code GET /v1/flows/exporter} as JSON. The datapath's ring-buffer losses are already on /metrics
 * ({@code septum_flow_events_lost_total}).
 */
public final class FlowExporterMetrics {

    private FlowExporterMetrics() {
    }

    public static void registerStatus(LocalApiServer api, FlowExporter exporter) {
        api.route("GET", "/v1/flows/exporter", r -> Reply.json(200, exporter.stats()));
    }

    public static String render(String node, FlowExporter.Stats s) {
        String n = "{node=\"" + node + "\"";
        return "# HELP septum_flow_export_events_total Flow events published on flows.<node>.\n"
                + "# TYPE septum_flow_export_events_total counter\n"
                + "septum_flow_export_events_total" + n + "} " + s.events() + "\n"
                + "# HELP septum_flow_export_batches_total Flow batches (NATS messages) published.\n"
                + "# TYPE septum_flow_export_batches_total counter\n"
                + "septum_flow_export_batches_total" + n + "} " + s.batches() + "\n"
                + "# HELP septum_flow_export_bytes_total Bytes of flow batches published.\n"
                + "# TYPE septum_flow_export_bytes_total counter\n"
                + "septum_flow_export_bytes_total" + n + "} " + s.bytes() + "\n"
                + "# HELP septum_flow_export_dropped_total Flow events the exporter dropped: queue_full (the publisher fell behind), "
                + "publish_refused (NATS closed or its reconnect buffer full).\n"
                + "# TYPE septum_flow_export_dropped_total counter\n"
                + "septum_flow_export_dropped_total" + n + ",why=\"queue_full\"} " + s.queueDrops() + "\n"
                + "septum_flow_export_dropped_total" + n + ",why=\"publish_refused\"} " + s.publishFailures() + "\n"
                + "# HELP septum_flow_export_queued_batches Full batches waiting for the publisher.\n"
                + "# TYPE septum_flow_export_queued_batches gauge\n"
                + "septum_flow_export_queued_batches" + n + "} " + s.queuedBatches() + "\n";
    }
}
