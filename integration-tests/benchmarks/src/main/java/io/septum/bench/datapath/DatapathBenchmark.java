package io.septum.bench.datapath;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.septum.bench.ExternalCommand;
import io.septum.bench.Repo;
import io.septum.bench.Samples;
import io.septum.enforcer.datapath.EventMode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The datapath benchmark: every enforcement mode measured with every workload, repeated, the modes interleaved
 * within each repeat (rotated and alternately reversed, so that slow phases of a shared machine hit every mode
 * alike), each run on a fresh topology. Figures are medians over the repeats; comparisons are ratios of medians,
 * by the wall clock and per CPU-second (see {@link Workload}).
 */
public final class DatapathBenchmark {

    /** The goal of the issue: Septum costs at most 5 %, and policy size costs at most 5 %. */
    public static final double GOAL_RATIO = 0.95;

    /**
     * @param repeats      runs of every mode
     * @param seconds      length of each workload's measurement
     * @param septumSizes  policy map sizes to measure Septum with; the smallest is compared with no program
     * @param ruleSizes    sizes at which Septum is compared with iptables and ipset (must be among septumSizes)
     * @param workloads    what to measure
     * @param pinCpus      client on CPU 0, server on CPU 1
     * @param programStats switch on the kernel's BPF run-time statistics and report Septum's cost per program run
     *                     (a diagnostic: it slows every BPF program on the machine a little, Septum's included)
     * @param pairs        back-to-back pairs of runs without and with Septum's programs on one topology (0: none)
     * @param eventModes   flow event modes the smallest Septum size is also measured in, beside the default (connections):
     *                     with OFF among them, the cost of flow events is reported as ratios to it
     */
    public record Options(int repeats, double seconds, List<Integer> septumSizes, List<Integer> ruleSizes, List<Workload> workloads,
                          boolean pinCpus, boolean programStats, int pairs, List<EventMode> eventModes) {
        public Options {
            septumSizes = septumSizes.stream().sorted().distinct().toList();
            ruleSizes = ruleSizes.stream().sorted().distinct().toList();
            workloads = List.copyOf(workloads);
            eventModes = eventModes.stream().filter(m -> m != EventMode.CONNECTIONS).distinct().sorted().toList();
            if (repeats < 1 || seconds <= 0 || septumSizes.isEmpty() || workloads.isEmpty() || pairs < 0) {
                throw new IllegalArgumentException("need at least one repeat, a positive duration, one Septum size and one workload");
            }
            for (int size : septumSizes) {
                if (size < PeerPolicy.minimumSize()) {
                    throw new IllegalArgumentException("policy size " + size + " is below the minimum of " + PeerPolicy.minimumSize());
                }
            }
            if (!septumSizes.containsAll(ruleSizes)) {
                throw new IllegalArgumentException("every iptables size must also be a Septum size: " + ruleSizes + " vs " + septumSizes);
            }
        }

        /** Septum in the default event mode only. */
        public Options(int repeats, double seconds, List<Integer> septumSizes, List<Integer> ruleSizes, List<Workload> workloads,
                       boolean pinCpus, boolean programStats, int pairs) {
            this(repeats, seconds, septumSizes, ruleSizes, workloads, pinCpus, programStats, pairs, List.of());
        }

        public static Options full() {
            return new Options(11, 1, List.of(10, 1_000, 10_000, 100_000), List.of(1_000, 10_000), List.of(Workload.values()), true, false, 11);
        }

        /** Every mode and workload once, briefly: checks that the harness works, its figures are not worth quoting. */
        public static Options quick() {
            return new Options(1, 1, List.of(10, 1_000, 10_000, 100_000), List.of(1_000, 10_000), List.of(Workload.values()), true, false, 1);
        }

        /**
         * The cost of flow events (make bench-flow-cost): Septum's smallest policy with events off, per new connection
         * (the default) and per packet, beside no program; the packet rate of one flow and new connections/s.
         */
        public static Options flowCost(int repeats, double seconds) {
            return new Options(repeats, seconds, List.of(10), List.of(), List.of(Workload.UDP_PPS, Workload.TCP_CRR), true, false, 0,
                    List.of(EventMode.OFF, EventMode.PACKETS));
        }
    }

    private final Options options;
    private final PrintStream progress;

    public DatapathBenchmark(Options options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    /** Runs everything and returns the figures as the one JSON object the benchmark prints. */
    public ObjectNode run() {
        requireRoot();
        Path tool = TrafficGenerator.compileTool(Repo.root(), Repo.runDirectory().resolve("tools"));
        TrafficGenerator traffic = new TrafficGenerator(tool, options.seconds(), options.pinCpus());
        String loadBefore = loadAverage();
        long started = System.nanoTime();
        Map<String, Map<Workload, List<Measurement>>> samples = new LinkedHashMap<>();
        Map<String, Long> flowEventsByMode = new LinkedHashMap<>();
        // Ctrl-C runs no finally block but shutdown hooks: leave no namespace or pin behind either way.
        Thread cleanUp = new Thread(DatapathBenchmark::removeEverything, "sepbench-clean-up");
        Runtime.getRuntime().addShutdownHook(cleanUp);
        try (SeptumDatapath septum = SeptumDatapath.open();
             KernelProgramStats stats = options.programStats() ? KernelProgramStats.enable() : null) {
            List<Enforcement> modes = modes(septum);
            for (int r = 0; r < options.repeats(); r++) {
                for (Enforcement mode : interleaved(modes, r)) {
                    long eventsBefore = septum.drainedFlowEvents();
                    Map<Workload, Measurement> figures = runOnce(mode, traffic);
                    if (mode instanceof Enforcement.Septum) {
                        flowEventsByMode.merge(mode.name(), septum.drainedFlowEvents() - eventsBefore, Long::sum);
                    }
                    figures.forEach((w, v) -> samples.computeIfAbsent(mode.name(), k -> new LinkedHashMap<>())
                            .computeIfAbsent(w, k -> new ArrayList<>()).add(v));
                    progress.printf(Locale.ROOT, "repeat %d/%d %-15s %s%n", r + 1, options.repeats(), mode.name(), format(figures));
                }
            }
            ObjectNode out = report(samples, modes);
            if (options.pairs() > 0) {
                out.set("paired", pairedRatios(septum, traffic));
            }
            out.put("septum_flow_events", septum.flowEvents());
            ObjectNode byMode = out.putObject("septum_flow_events_by_mode");
            flowEventsByMode.forEach(byMode::put);
            out.put("septum_flow_event_losses", septum.eventLosses());
            if (stats != null) {
                ObjectNode programs = out.putObject("septum_program_ns_per_run");
                septum.programNanosPerRun().forEach((program, nanos) -> programs.put(program, round(nanos, 1)));
            }
            out.put("elapsed_seconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
            out.put("load_average_before", loadBefore);
            out.put("load_average_after", loadAverage());
            return out;
        } finally {
            Runtime.getRuntime().removeShutdownHook(cleanUp);
        }
    }

    private static void removeEverything() {
        try {
            BenchTopology.removeNamespaces();
        } finally {
            SeptumDatapath.removePins();
        }
    }

    private List<Enforcement> modes(SeptumDatapath septum) {
        List<Enforcement> modes = new ArrayList<>();
        modes.add(new Enforcement.None());
        for (int size : options.septumSizes()) {
            modes.add(new Enforcement.Septum(septum, size));
        }
        for (EventMode events : options.eventModes()) {
            modes.add(new Enforcement.Septum(septum, options.septumSizes().getFirst(), events));
        }
        for (int size : options.ruleSizes()) {
            modes.add(new Enforcement.Iptables(size));
            modes.add(new Enforcement.Ipset(size));
        }
        return modes;
    }

    /** Repeat r runs the modes rotated by r, reversed on odd repeats. */
    static List<Enforcement> interleaved(List<Enforcement> modes, int repeat) {
        List<Enforcement> order = new ArrayList<>(modes);
        Collections.rotate(order, -(repeat % modes.size()));
        if (repeat % 2 == 1) {
            Collections.reverse(order);
        }
        return order;
    }

    /**
     * The goal's comparison once more, as tightly paired as the machine allows: on one topology with Septum's maps
     * written, each pair measures every workload with the programs detached and then attached (the order alternating),
     * seconds apart; the ratio of each pair, then the median of the ratios. Noise that lasts longer than a pair cancels.
     */
    private ObjectNode pairedRatios(SeptumDatapath septum, TrafficGenerator traffic) {
        int size = options.septumSizes().getFirst();
        Map<String, List<Double>> ratios = new LinkedHashMap<>();
        try (BenchTopology topology = BenchTopology.create()) {
            septum.enforce(topology, size, EventMode.CONNECTIONS);
            traffic.warmUp();
            for (int p = 0; p < options.pairs(); p++) {
                Map<Workload, Measurement> with;
                Map<Workload, Measurement> without;
                if (p % 2 == 0) {
                    septum.detachPrograms();
                    without = measureAll(traffic, "none (paired)");
                    septum.attachPrograms();
                    with = measureAll(traffic, "septum-" + size + " (paired)");
                } else {
                    with = measureAll(traffic, "septum-" + size + " (paired)");
                    septum.detachPrograms();
                    without = measureAll(traffic, "none (paired)");
                    septum.attachPrograms();
                }
                for (Workload w : options.workloads()) {
                    ratios.computeIfAbsent(w.figure(), k -> new ArrayList<>()).add(with.get(w).rate() / without.get(w).rate());
                    ratios.computeIfAbsent(w.perCpuFigure(), k -> new ArrayList<>())
                            .add(with.get(w).perCpuSecond() / without.get(w).perCpuSecond());
                }
                progress.printf(Locale.ROOT, "pair %d/%d: without %s%n             with    %s%n", p + 1, options.pairs(), format(without), format(with));
            }
        }
        ObjectNode out = new ObjectMapper().createObjectNode();
        out.put("pairs", options.pairs());
        out.put("septum_size", size);
        ObjectNode vsNone = out.putObject("septum_vs_none");
        ratios.forEach((figure, values) -> vsNone.put(figure, round(new Samples(values).median(), 3)));
        return out;
    }

    private Map<Workload, Measurement> measureAll(TrafficGenerator traffic, String mode) {
        Map<Workload, Measurement> figures = new LinkedHashMap<>();
        for (Workload w : options.workloads()) {
            try {
                figures.put(w, traffic.measure(w));
            } catch (RuntimeException e) {
                throw new IllegalStateException("measure " + w.figure() + " with " + mode + ": " + e.getMessage(), e);
            }
        }
        return figures;
    }

    private Map<Workload, Measurement> runOnce(Enforcement mode, TrafficGenerator traffic) {
        try (BenchTopology topology = BenchTopology.create()) {
            mode.apply(topology);
            traffic.warmUp();
            return measureAll(traffic, mode.name());
        }
    }

    private ObjectNode report(Map<String, Map<Workload, List<Measurement>>> samples, List<Enforcement> modes) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode out = json.createObjectNode();
        out.put("benchmark", "datapath");
        out.put("repeats", options.repeats());
        out.put("seconds_per_run", options.seconds());
        out.put("udp_frame_bytes", 64);
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        out.put("kernel", System.getProperty("os.version"));
        out.put("iptables", ExternalCommand.exec(List.of("iptables", "--version"), null, Map.of(), java.time.Duration.ofSeconds(10)).output().strip());

        // figure name -> value, per mode: the wall-clock rate and the rate per CPU-second of every workload
        Map<String, Map<String, Double>> medians = new LinkedHashMap<>();
        ObjectNode medianNode = out.putObject("medians");
        for (Enforcement mode : modes) {
            Map<String, Double> m = new LinkedHashMap<>();
            ObjectNode node = medianNode.putObject(mode.name());
            for (Workload w : options.workloads()) {
                List<Measurement> runs = samples.get(mode.name()).get(w);
                double rate = new Samples(runs.stream().map(Measurement::rate).toList()).median();
                double perCpu = new Samples(runs.stream().map(Measurement::perCpuSecond).toList()).median();
                m.put(w.figure(), rate);
                m.put(w.perCpuFigure(), perCpu);
                int decimals = w == Workload.TCP_GBPS ? 3 : 0;
                node.put(w.figure(), round(rate, decimals));
                node.put(w.perCpuFigure(), round(perCpu, decimals));
            }
            medians.put(mode.name(), m);
        }

        int smallest = options.septumSizes().getFirst();
        ObjectNode ratios = out.putObject("ratios");
        GoalCheck goal = new GoalCheck();
        ObjectNode vsNone = ratios.putObject("septum_vs_none");
        vsNone.put("septum_size", smallest);
        putRatios(vsNone, medians.get("septum-" + smallest), medians.get("none"), goal);
        ObjectNode vsSmallest = ratios.putObject("septum_size_vs_" + smallest);
        for (int size : options.septumSizes().subList(1, options.septumSizes().size())) {
            putRatios(vsSmallest.putObject(Integer.toString(size)), medians.get("septum-" + size), medians.get("septum-" + smallest), goal);
        }
        ObjectNode vsIptables = ratios.putObject("septum_vs_iptables");
        ObjectNode vsIpset = ratios.putObject("septum_vs_ipset");
        for (int size : options.ruleSizes()) {
            putRatios(vsIptables.putObject(Integer.toString(size)), medians.get("septum-" + size), medians.get("iptables-" + size), null);
            putRatios(vsIpset.putObject(Integer.toString(size)), medians.get("septum-" + size), medians.get("ipset-" + size), null);
        }
        out.put("goal_ratio", GOAL_RATIO);
        ObjectNode met = out.putObject("goal_met");
        met.put("wall_clock", goal.wallClock);
        met.put("per_cpu", goal.perCpu);
        if (options.eventModes().contains(EventMode.OFF)) {
            flowEventCost(out, ratios, medians, smallest);
        }
        return out;
    }

    /**
     * The cost of flow events, same run: Septum in each event mode over Septum with events off. The goal (at most 5 %
     * at one event per new connection) is judged on the connection rate in the default mode, the workload whose every
     * connection makes its events; the packet rate of one long flow shows the per-packet (trace) mode's cost.
     */
    private void flowEventCost(ObjectNode out, ObjectNode ratios, Map<String, Map<String, Double>> medians, int size) {
        Map<String, Double> off = medians.get(Enforcement.Septum.nameOf(size, EventMode.OFF));
        ObjectNode vsOff = ratios.putObject("flow_events_vs_off");
        putRatios(vsOff.putObject(EventMode.CONNECTIONS.optionName()), medians.get(Enforcement.Septum.nameOf(size, EventMode.CONNECTIONS)), off, null);
        for (EventMode events : options.eventModes()) {
            if (events != EventMode.OFF) {
                putRatios(vsOff.putObject(events.optionName()), medians.get(Enforcement.Septum.nameOf(size, events)), off, null);
            }
        }
        if (options.workloads().contains(Workload.TCP_CRR)) {
            ObjectNode met = out.putObject("flow_cost_goal_met");
            JsonNode connections = vsOff.path(EventMode.CONNECTIONS.optionName());
            met.put("wall_clock", connections.path(Workload.TCP_CRR.figure()).asDouble() >= GOAL_RATIO);
            met.put("per_cpu", connections.path(Workload.TCP_CRR.perCpuFigure()).asDouble() >= GOAL_RATIO);
        }
    }

    /** Whether every ratio the goal covers reaches it, by the wall clock and per CPU-second. */
    private static final class GoalCheck {
        boolean wallClock = true;
        boolean perCpu = true;
    }

    /** Puts numerator/denominator for every figure; records in {@code goal} (if any) whether the covered ones reach it. */
    private void putRatios(ObjectNode node, Map<String, Double> numerator, Map<String, Double> denominator, GoalCheck goal) {
        for (Workload w : options.workloads()) {
            double wall = numerator.get(w.figure()) / denominator.get(w.figure());
            double perCpu = numerator.get(w.perCpuFigure()) / denominator.get(w.perCpuFigure());
            node.put(w.figure(), round(wall, 3));
            node.put(w.perCpuFigure(), round(perCpu, 3));
            if (goal != null && w.coveredByGoal()) {
                goal.wallClock &= wall >= GOAL_RATIO;
                goal.perCpu &= perCpu >= GOAL_RATIO;
            }
        }
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    private static String format(Map<Workload, Measurement> figures) {
        StringBuilder out = new StringBuilder();
        figures.forEach((w, m) -> out.append(String.format(Locale.ROOT, "%s=%.1f (%.1f per CPU-s)  ", w.figure(), m.rate(), m.perCpuSecond())));
        return out.toString().strip();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    static void requireRoot() {
        String user = System.getProperty("user.name");
        if (!"root".equals(user)) {
            throw new IllegalStateException("the datapath benchmark needs root (network namespaces, BPF, iptables); running as " + user);
        }
    }
}
