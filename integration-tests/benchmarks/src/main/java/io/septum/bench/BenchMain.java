package io.septum.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.septum.bench.apply.PolicyApplyBenchmark;
import io.septum.bench.compute.PolicyComputeBenchmark;
import io.septum.bench.datapath.DatapathBenchmark;
import io.septum.bench.datapath.Workload;
import io.septum.bench.flows.FlowsBenchmark;
import io.septum.bench.latency.PolicyLatencyBenchmark;
import io.septum.bench.propagation.PolicyPropagationBenchmark;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code septum-benchmarks <benchmark> [options]}: runs one benchmark, prints progress on standard error and, last, its
 * figures as one line of JSON on standard output. BENCHMARKS.md names and explains every figure. The benchmarks are
 * the subcommands below, one {@link BenchmarkCommand} each: that list is the one table of them, picocli dispatches by
 * name from it and makes the usage (names, descriptions, options) from it.
 */
@Command(name = "septum-benchmarks", mixinStandardHelpOptions = true,
        subcommands = {BenchMain.DatapathCommand.class, BenchMain.PolicyLatencyCommand.class, BenchMain.PolicyComputeCommand.class,
                BenchMain.FlowsCommand.class, BenchMain.FlowCostCommand.class, BenchMain.PolicyApplyCommand.class,
                BenchMain.PolicyPropagationCommand.class})
public final class BenchMain {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    /**
     * One benchmark's subcommand: its options make the benchmark's own Options (--quick picks the small defaults, each
     * option given replaces one), and {@link #run} runs it; the figures go out as one line of JSON.
     */
    abstract static class BenchmarkCommand implements Callable<Integer> {

        /** Runs the benchmark as the options say; its figures. */
        abstract ObjectNode run() throws Exception;

        @Override
        public final Integer call() throws Exception {
            System.out.println(JSON.writeValueAsString(run()));
            return 0;
        }
    }

    @Command(name = "datapath", description = "Packet rate, TCP throughput and connection rate through a pod's veth: "
            + "no program vs Septum (10 to 100,000 policy entries) vs iptables and ipset.")
    static final class DatapathCommand extends BenchmarkCommand {
        @Option(names = "--quick", description = "Every mode once for 1 s: a smoke test of the harness, not figures to quote.")
        boolean quick;
        @Option(names = "--repeats", description = "Runs of every mode (default 11).")
        Integer repeats;
        @Option(names = "--seconds", description = "Length of each measurement in seconds (default 1).")
        Double seconds;
        @Option(names = "--sizes", split = ",", description = "Septum policy map sizes (default 10,1000,10000,100000).")
        List<Integer> sizes;
        @Option(names = "--rule-sizes", split = ",", description = "Sizes compared with iptables and ipset (default 1000,10000).")
        List<Integer> ruleSizes;
        @Option(names = "--workloads", split = ",", description = "udp_pps, tcp_gbps, tcp_crr_cps (default all).")
        List<String> workloads;
        @Option(names = "--no-pin", description = "Do not pin the client to CPU 0 and the server to CPU 1.")
        boolean noPin;
        @Option(names = "--program-stats", description = "Also report the ns per run of Septum's programs from the kernel's "
                + "BPF statistics (switched on machine-wide for the run; its rates are then not for comparison).")
        boolean programStats;
        @Option(names = "--pairs", description = "Back-to-back pairs without/with Septum on one topology, for a paired "
                + "ratio (default 11; 0 skips them).")
        Integer pairs;

        @Override
        ObjectNode run() throws Exception {
            DatapathBenchmark.Options base = quick ? DatapathBenchmark.Options.quick() : DatapathBenchmark.Options.full();
            DatapathBenchmark.Options options = new DatapathBenchmark.Options(
                    repeats != null ? repeats : base.repeats(),
                    seconds != null ? seconds : base.seconds(),
                    sizes != null ? sizes : base.septumSizes(),
                    ruleSizes != null ? ruleSizes : base.ruleSizes(),
                    workloads != null ? workloads.stream().map(BenchMain::workload).toList() : base.workloads(),
                    !noPin, programStats, pairs != null ? pairs : base.pairs());
            return new DatapathBenchmark(options, System.err).run();
        }
    }

    @Command(name = "flows", description = "Flow events/s from the BPF ring buffer through the enforcer's exporter and NATS to "
            + "flow-service with enrichment, losses counted (needs the bench NATS on :4224).")
    static final class FlowsCommand extends BenchmarkCommand {
        @Option(names = "--quick", description = "2 s of generation: a smoke test of the harness, not figures to quote.")
        boolean quick;
        @Option(names = "--seconds", description = "Generation time in seconds (default 10).")
        Double seconds;
        @Option(names = "--ring-buffer-bytes", description = "Ring buffer size (default 1 MiB, the enforcer's default).")
        Integer ringBytes;

        @Override
        ObjectNode run() throws Exception {
            FlowsBenchmark.Options base = quick ? FlowsBenchmark.Options.quick() : FlowsBenchmark.Options.full();
            return new FlowsBenchmark(new FlowsBenchmark.Options(seconds != null ? seconds : base.seconds(), base.repeat(),
                    ringBytes != null ? ringBytes : base.ringBytes()), System.err).run();
        }
    }

    @Command(name = "flow-cost", description = "The packet-rate cost of flow events, same run: Septum's datapath with events off, "
            + "per new connection (the default) and per packet, beside no program; one UDP flow's packets/s and new TCP connections/s.")
    static final class FlowCostCommand extends BenchmarkCommand {
        @Option(names = "--quick", description = "Every mode once: a smoke test of the harness, not figures to quote.")
        boolean quick;
        @Option(names = "--repeats", description = "Runs of every mode (default 11).")
        Integer repeats;
        @Option(names = "--seconds", description = "Length of each measurement in seconds (default 1).")
        Double seconds;
        @Option(names = "--no-pin", description = "Do not pin the client to CPU 0 and the server to CPU 1.")
        boolean noPin;

        @Override
        ObjectNode run() throws Exception {
            DatapathBenchmark.Options base = DatapathBenchmark.Options.flowCost(repeats != null ? repeats : quick ? 1 : 11,
                    seconds != null ? seconds : 1);
            DatapathBenchmark.Options options = new DatapathBenchmark.Options(base.repeats(), base.seconds(), base.septumSizes(),
                    base.ruleSizes(), base.workloads(), !noPin, false, base.pairs(), base.eventModes());
            ObjectNode result = new DatapathBenchmark(options, System.err).run();
            result.put("benchmark", "flow-cost");
            return result;
        }
    }

    @Command(name = "policy-latency", description = "Policy change to enforced on every node of a 3-node lab "
            + "(./septum policy apply, then ./septum policy wait), on the real services, NATS and enforcers.")
    static final class PolicyLatencyCommand extends BenchmarkCommand {
        @Option(names = "--quick", description = "10 changes: a smoke test of the harness, not figures to quote.")
        boolean quick;
        @Option(names = "--changes", description = "Policy changes to time (default 100).")
        Integer changes;
        @Option(names = "--nodes", description = "Nodes of the lab (default 3).")
        Integer nodes;

        @Override
        ObjectNode run() throws Exception {
            PolicyLatencyBenchmark.Options base = quick ? PolicyLatencyBenchmark.Options.quick() : PolicyLatencyBenchmark.Options.full();
            PolicyLatencyBenchmark.Options options = new PolicyLatencyBenchmark.Options(
                    changes != null ? changes : base.changes(), nodes != null ? nodes : base.nodes());
            return new PolicyLatencyBenchmark(options, System.err).run();
        }
    }

    @Command(name = "policy-compute", description = "Policy computation with the enforcer's control-plane code: "
            + "10,000 identities x 1,000 CiliumNetworkPolicy rules, resolved for every identity.")
    static final class PolicyComputeCommand extends BenchmarkCommand {
        @Option(names = "--quick", description = "1,000 identities x 100 rules, 2 rounds: a smoke test, not figures to quote.")
        boolean quick;
        @Option(names = "--identities", description = "Pod identities (default 10000).")
        Integer identities;
        @Option(names = "--rules", description = "Rules in all, 10 per policy (default 1000).")
        Integer rules;
        @Option(names = "--rounds", description = "Rounds; the first is reported apart as cold (default 7).")
        Integer rounds;

        @Override
        ObjectNode run() throws Exception {
            PolicyComputeBenchmark.Options base = quick ? PolicyComputeBenchmark.Options.quick() : PolicyComputeBenchmark.Options.full();
            PolicyComputeBenchmark.Options options = new PolicyComputeBenchmark.Options(identities != null ? identities : base.identities(),
                    rules != null ? rules : base.rules(), rounds != null ? rounds : base.rounds());
            return new PolicyComputeBenchmark(options, System.err).run();
        }
    }

    @Command(name = "policy-apply", description = "1,000 NetworkPolicies applied to policy-service as one GitOps bundle "
            + "(create, unchanged, dry run, update) and one request each, on the real service, PostgreSQL and NATS.")
    static final class PolicyApplyCommand extends BenchmarkCommand {
        @Option(names = "--quick", description = "100 policies, one round: a smoke test of the harness, not figures to quote.")
        boolean quick;
        @Option(names = "--policies", description = "Policies per bundle (default 1000).")
        Integer policies;
        @Option(names = "--rounds", description = "Rounds (default 5).")
        Integer rounds;

        @Override
        ObjectNode run() throws Exception {
            PolicyApplyBenchmark.Options base = quick ? PolicyApplyBenchmark.Options.quick() : PolicyApplyBenchmark.Options.full();
            return new PolicyApplyBenchmark(new PolicyApplyBenchmark.Options(policies != null ? policies : base.policies(),
                    rounds != null ? rounds : base.rounds()), System.err).run();
        }
    }

    @Command(name = "policy-propagation", description = "Policy change to realized on 100 simulated enforcers (the enforcer's "
            + "watch, reconciler and status path with in-memory maps, many in this process), p50/p99 over 100 changes.")
    static final class PolicyPropagationCommand extends BenchmarkCommand {
        @Option(names = "--quick", description = "10 nodes, 10 changes: a smoke test of the harness, not figures to quote.")
        boolean quick;
        @Option(names = "--nodes", description = "Simulated enforcers (default 100).")
        Integer nodes;
        @Option(names = "--pods-per-node", description = "Pods registered by each (default 10).")
        Integer podsPerNode;
        @Option(names = "--changes", description = "Policy changes to time (default 100).")
        Integer changes;

        @Override
        ObjectNode run() throws Exception {
            PolicyPropagationBenchmark.Options base = quick ? PolicyPropagationBenchmark.Options.quick() : PolicyPropagationBenchmark.Options.full();
            return new PolicyPropagationBenchmark(new PolicyPropagationBenchmark.Options(nodes != null ? nodes : base.nodes(),
                    podsPerNode != null ? podsPerNode : base.podsPerNode(), base.labelSets(),
                    changes != null ? changes : base.changes()), System.err).run();
        }
    }

    static Workload workload(String figure) {
        return Arrays.stream(Workload.values()).filter(w -> w.figure().equals(figure)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--workloads: unknown workload '" + figure + "'; known: "
                        + Arrays.stream(Workload.values()).map(Workload::figure).toList()));
    }
}
