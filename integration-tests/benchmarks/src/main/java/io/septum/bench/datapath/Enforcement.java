package io.septum.bench.datapath;

import io.septum.bench.ExternalCommand;

/** How the node enforces {@link PeerPolicy} in one run: not at all, with Septum, with iptables, or with iptables + ipset. */
sealed interface Enforcement {

    /** The name in the benchmark's JSON: none, septum-N, iptables-N, ipset-N (N = policy size). */
    String name();

    /** Puts the enforcement in place on a fresh topology, before any traffic. */
    void apply(BenchTopology topology);

    /** No program, no rules: the baseline. */
    record None() implements Enforcement {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public void apply(BenchTopology topology) {
        }
    }

    record Septum(SeptumDatapath datapath, int size) implements Enforcement {
        @Override
        public String name() {
            return "septum-" + size;
        }

        @Override
        public void apply(BenchTopology topology) {
            datapath.enforce(topology, size);
        }
    }

    record Iptables(int size) implements Enforcement {
        @Override
        public String name() {
            return "iptables-" + size;
        }

        @Override
        public void apply(BenchTopology topology) {
            ExternalCommand.runWithInput(PeerPolicy.iptablesScript(size), "ip", "netns", "exec", BenchTopology.NODE_NETNS, "iptables-restore");
        }
    }

    record Ipset(int size) implements Enforcement {
        @Override
        public String name() {
            return "ipset-" + size;
        }

        @Override
        public void apply(BenchTopology topology) {
            ExternalCommand.runWithInput(PeerPolicy.ipsetScript(size), "ip", "netns", "exec", BenchTopology.NODE_NETNS, "ipset", "restore");
            ExternalCommand.runWithInput(PeerPolicy.iptablesWithIpsetScript(), "ip", "netns", "exec", BenchTopology.NODE_NETNS, "iptables-restore");
        }
    }
}
