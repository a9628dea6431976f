package io.septum.bench.datapath;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Switches on the kernel's run-time statistics of BPF programs ({@code kernel.bpf_stats_enabled}) for the
 * benchmark's duration and restores the previous setting on close. With it on, {@code bpftool prog show} reports
 * each program's total run time and run count: the exact CPU cost of Septum's programs per packet, free of the
 * machine's noise. It is machine-wide and adds two clock reads to every run of every program, so it is off
 * unless asked for ({@code --program-stats}), and the rates of a run with it on are not for comparison.
 */
final class KernelProgramStats implements AutoCloseable {

    private static final Path SYSCTL = Path.of("/proc/sys/kernel/bpf_stats_enabled");

    private final String previous;
    /** Restores the setting also when the benchmark is interrupted (Ctrl-C runs no finally block, but hooks). */
    private final Thread restoreOnExit;

    private KernelProgramStats(String previous) {
        this.previous = previous;
        this.restoreOnExit = new Thread(this::restore, "restore-bpf-stats");
    }

    static KernelProgramStats enable() {
        try {
            KernelProgramStats stats = new KernelProgramStats(Files.readString(SYSCTL).strip());
            Runtime.getRuntime().addShutdownHook(stats.restoreOnExit);
            Files.writeString(SYSCTL, "1");
            return stats;
        } catch (IOException e) {
            throw new UncheckedIOException("enable BPF run-time statistics through " + SYSCTL, e);
        }
    }

    @Override
    public void close() {
        Runtime.getRuntime().removeShutdownHook(restoreOnExit);
        restore();
    }

    private void restore() {
        try {
            Files.writeString(SYSCTL, previous);
        } catch (IOException e) {
            throw new UncheckedIOException("restore " + SYSCTL + " to " + previous, e);
        }
    }
}
