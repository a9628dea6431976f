package io.septum.bench.datapath;

import io.septum.bench.ExternalCommand;
import io.septum.enforcer.datapath.EventMode;

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

    /** Septum with {@code size} policy entries and flow events as {@code events} says. */
    record Septum(SeptumDatapath datapath, int size, EventMode events) implements Enforcement {

        /** With the enforcer's default: one flow event per new connection and per drop. */
        Septum(SeptumDatapath datapath, int size) {
            this(datapath, size, EventMode.CONNECTIONS);
        }

        /** septum-N, or septum-N-events-off / septum-N-events-packets in another event mode. */
        @Override
        public String name() {
            return nameOf(size, events);
        }

        static String nameOf(int size, EventMode events) {
            return "septum-" + size + (events == EventMode.CONNECTIONS ? "" : "-events-" + events.optionName());
        }

        @Override
        public void apply(BenchTopology topology) {
            datapath.enforce(topology, size, events);
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
