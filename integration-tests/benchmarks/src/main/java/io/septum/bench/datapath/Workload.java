package io.septum.bench.datapath;

/**
 * What traffic a run measures, and the one port of the server pod it uses (the policy allows exactly these).
 * Each gives two figures (their JSON names are in BENCHMARKS.md): the rate by the wall clock, and the rate per
 * CPU-second the traffic's processes and the kernel's softirq threads consumed. The second is what one dedicated
 * core would reach; it stays meaningful on a shared machine where other work takes CPU time away from the run.
 */
public enum Workload {
    /** 64-byte frames (18-byte UDP payload + 42 bytes of headers + 4 of FCS on a wire), one flow, packets/s received by the server. */
    UDP_PPS("udp_pps", Protocol.UDP, 9000),
    /** One TCP stream (iperf3), Gbit/s received. */
    TCP_GBPS("tcp_gbps", Protocol.TCP, 5201),
    /** New TCP connections/s, each connect + 1-byte request + 1-byte reply + close: the policy lookup path. */
    TCP_CRR("tcp_crr_cps", Protocol.TCP, 8080);

    /** IP protocols with their numbers, as the policy map and iptables name them. */
    public enum Protocol {
        TCP(6), UDP(17);

        private final int number;

        Protocol(int number) {
            this.number = number;
        }

        public int number() {
            return number;
        }

        public String iptablesName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Payload that makes a 64-byte Ethernet frame with FCS: 64 - 4 (FCS) - 14 (Ethernet) - 20 (IPv4) - 8 (UDP). */
    public static final int UDP_PAYLOAD_BYTES = 18;

    private final String figure;
    private final Protocol protocol;
    private final int port;

    Workload(String figure, Protocol protocol, int port) {
        this.figure = figure;
        this.protocol = protocol;
        this.port = port;
    }

    public String figure() {
        return figure;
    }

    /** The name of the CPU-normalised figure: the rate per CPU-second. */
    public String perCpuFigure() {
        return figure + "_per_cpu";
    }

    public Protocol protocol() {
        return protocol;
    }

    public int port() {
        return port;
    }

    /**
     * The goal (>= 0.95 of the baseline) is about packet rate and throughput of established traffic; the
     * connection rate is reported beside them to show what a connection's first packet costs, without a goal.
     */
    public boolean coveredByGoal() {
        return this != TCP_CRR;
    }
}
