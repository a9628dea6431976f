package io.septum.bench.datapath;

/**
 * One workload's result in one run.
 *
 * @param rate        per wall-clock second (packets, Gbit or connections)
 * @param cpuSeconds  CPU time the run consumed: the traffic's processes (whose system time includes the softirq
 *                    work a veth does inline: forwarding, tc programs, netfilter, socket delivery) plus the kernel's
 *                    ksoftirqd threads (softirq work deferred under load)
 * @param amount      what was moved (packets, Gbit or connections)
 */
record Measurement(double rate, double cpuSeconds, double amount) {

    /** The rate per CPU-second: what one dedicated core would reach. */
    double perCpuSecond() {
        return cpuSeconds > 0 ? amount / cpuSeconds : 0;
    }
}
