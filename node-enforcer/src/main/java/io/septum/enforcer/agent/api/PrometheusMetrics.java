package io.septum.enforcer.agent.api;

import io.septum.enforcer.agent.Reconciler;
import io.septum.enforcer.datapath.MetricsSample;

import java.util.List;

/** Renders the datapath counters and the enforcer's state in the Prometheus text format. */
final class PrometheusMetrics {

    private PrometheusMetrics() {
    }

    static String render(String node, List<MetricsSample> samples, long eventLosses, Reconciler.Snapshot snapshot) {
        StringBuilder out = new StringBuilder();
        out.append("# HELP septum_datapath_packets_total Packets handled by the datapath, by verdict, direction and drop reason.\n");
        out.append("# TYPE septum_datapath_packets_total counter\n");
        for (MetricsSample s : samples) {
            out.append("septum_datapath_packets_total").append(labels(node, s)).append(' ').append(s.packets()).append('\n');
        }
        out.append("# HELP septum_datapath_bytes_total Bytes handled by the datapath, by verdict, direction and drop reason.\n");
        out.append("# TYPE septum_datapath_bytes_total counter\n");
        for (MetricsSample s : samples) {
            out.append("septum_datapath_bytes_total").append(labels(node, s)).append(' ').append(s.bytes()).append('\n');
        }
        out.append("# HELP septum_flow_events_lost_total Flow events lost because the ring buffer was full.\n");
        out.append("# TYPE septum_flow_events_lost_total counter\n");
        out.append("septum_flow_events_lost_total{node=\"").append(node).append("\"} ").append(eventLosses).append('\n');
        out.append("# HELP septum_endpoints Local endpoints of this node, and how many are enforced.\n");
        out.append("# TYPE septum_endpoints gauge\n");
        out.append("septum_endpoints{node=\"").append(node).append("\",state=\"all\"} ").append(snapshot.endpoints()).append('\n');
        out.append("septum_endpoints{node=\"").append(node).append("\",state=\"ready\"} ").append(snapshot.endpointsReady()).append('\n');
        out.append("# HELP septum_applied_revision Last revision of each bucket written to the BPF maps.\n");
        out.append("# TYPE septum_applied_revision gauge\n");
        out.append("septum_applied_revision{node=\"").append(node).append("\",bucket=\"policies\"} ").append(snapshot.applied().policies()).append('\n');
        out.append("septum_applied_revision{node=\"").append(node).append("\",bucket=\"identities\"} ").append(snapshot.applied().identities()).append('\n');
        out.append("septum_applied_revision{node=\"").append(node).append("\",bucket=\"ipcache\"} ").append(snapshot.applied().ipcache()).append('\n');
        return out.toString();
    }

    private static String labels(String node, MetricsSample s) {
        return "{node=\"" + node + "\",verdict=\"" + s.verdict() + "\",direction=\"" + s.direction() + "\",reason=\"" + s.reason() + "\"}";
    }
}
