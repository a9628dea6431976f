package io.septum.enforcer.datapath;

/** Packets and bytes the datapath handled with one verdict, direction and reason, summed over all CPUs. */
public record MetricsSample(Verdict verdict, Direction direction, DropReason reason, long packets, long bytes) {
}
