package io.septum.bench.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A smoke test of the datapath benchmark's harness, not a benchmark: every enforcement mode once and one
 * without/with pair, the UDP and connection workloads for 0.3 s each (iperf3's TCP stream is left out: its shortest
 * run is a second, and this test must stay short), on the real kernel. It proves the harness builds its topology, loads Septum's datapath, writes
 * iptables and ipset rules, lets the allowed traffic through in every mode (a mode that dropped it fails the run)
 * and reports every figure. It asserts no timing. Needs root; uses the sepbench-* names, so it must not run
 * beside {@code make bench-datapath}.
 */
@Tag("privileged")
class DatapathBenchmarkPrivilegedTest {

    @Test
    void everyModeCarriesTheAllowedTrafficAndEveryFigureIsReported() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: network namespaces, BPF, iptables");
        var options = new DatapathBenchmark.Options(1, 0.3, List.of(PeerPolicy.minimumSize()), List.of(PeerPolicy.minimumSize()),
                List.of(Workload.UDP_PPS, Workload.TCP_CRR), true, false, 1);

        JsonNode result = new DatapathBenchmark(options, new PrintStream(PrintStream.nullOutputStream())).run();

        assertThat(result.path("medians").properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactly("none", "septum-6", "iptables-6", "ipset-6");
        for (JsonNode mode : result.path("medians")) {
            for (Workload w : List.of(Workload.UDP_PPS, Workload.TCP_CRR)) {
                assertThat(mode.path(w.figure()).asDouble()).as(w.figure()).isPositive();
                assertThat(mode.path(w.perCpuFigure()).asDouble()).as(w.perCpuFigure()).isPositive();
            }
        }
        assertThat(result.path("ratios").path("septum_vs_none").path("udp_pps").isNumber()).isTrue();
        assertThat(result.path("ratios").path("septum_vs_iptables").path("6").path("tcp_crr_cps").isNumber()).isTrue();
        assertThat(result.path("ratios").path("septum_vs_ipset").path("6").path("udp_pps_per_cpu").isNumber()).isTrue();
        assertThat(result.path("paired").path("septum_vs_none").path("udp_pps_per_cpu").isNumber()).isTrue();
        assertThat(result.path("septum_flow_events").asLong()).as("new connections reported by Septum's datapath").isPositive();
    }

    /** bench-flow-cost's modes: Septum in each event mode, the ratios to events off, and what each mode emitted. */
    @Test
    void flowCostComparesTheEventModesWithEventsOff() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: network namespaces, BPF");
        DatapathBenchmark.Options flowCost = DatapathBenchmark.Options.flowCost(1, 0.3);
        var options = new DatapathBenchmark.Options(1, 0.3, List.of(PeerPolicy.minimumSize()), List.of(), flowCost.workloads(), true, false, 0,
                flowCost.eventModes());

        JsonNode result = new DatapathBenchmark(options, new PrintStream(PrintStream.nullOutputStream())).run();

        String size = Integer.toString(PeerPolicy.minimumSize());
        assertThat(result.path("medians").properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactly("none", "septum-" + size, "septum-" + size + "-events-off", "septum-" + size + "-events-packets");
        for (String mode : List.of("connections", "packets")) {
            for (Workload w : List.of(Workload.UDP_PPS, Workload.TCP_CRR)) {
                assertThat(result.path("ratios").path("flow_events_vs_off").path(mode).path(w.perCpuFigure()).asDouble())
                        .as(mode + " " + w.perCpuFigure()).isPositive();
            }
        }
        assertThat(result.path("flow_cost_goal_met").path("per_cpu").isBoolean()).isTrue();
        JsonNode events = result.path("septum_flow_events_by_mode");
        assertThat(events.path("septum-" + size + "-events-off").asLong()).as("events with events off").isZero();
        assertThat(events.path("septum-" + size).asLong()).as("one per new connection").isPositive();
        assertThat(events.path("septum-" + size + "-events-packets").asLong()).as("one per packet")
                .isGreaterThan(events.path("septum-" + size).asLong());
    }
}
