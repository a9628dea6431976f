package io.septum.bench.datapath;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPU time of the kernel's ksoftirqd threads, one per CPU, from /proc/PID/schedstat (nanoseconds on the CPU,
 * exact). Softirq work that a system call cannot finish inline (a burst that runs too long, a task that should be
 * rescheduled) continues there; counting it keeps the CPU-normalised figures honest under load.
 */
final class SoftirqThreads {

    private final List<Path> schedstats;

    private SoftirqThreads(List<Path> schedstats) {
        this.schedstats = schedstats;
    }

    static SoftirqThreads find() {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path process : processes) {
                try {
                    if (Files.readString(process.resolve("comm")).strip().startsWith("ksoftirqd/")) {
                        out.add(process.resolve("schedstat"));
                    }
                } catch (IOException e) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("list /proc to find the ksoftirqd threads: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no ksoftirqd threads in /proc: cannot account softirq time");
        }
        return new SoftirqThreads(List.copyOf(out));
    }

    /** Their CPU time so far, in seconds. */
    double cpuSeconds() {
        long nanos = 0;
        for (Path schedstat : schedstats) {
            try {
                nanos += Long.parseLong(Files.readString(schedstat).strip().split("\\s+")[0]);
            } catch (IOException | NumberFormatException e) {
                throw new IllegalStateException("read " + schedstat + ": " + e.getMessage(), e);
            }
        }
        return nanos / 1e9;
    }
}
