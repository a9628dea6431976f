package io.septum.cli.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Starts the lab's long-running processes detached from the terminal (their own session, so a Ctrl-C in
 * the shell that ran {@code lab up} does not stop them) with output to a log file, and stops them by PID.
 */
final class Processes {

    private Processes() {
    }

    static long startDetached(List<String> command, Path logFile) {
        try {
            Files.createDirectories(logFile.getParent());
            List<String> full = new java.util.ArrayList<>();
            full.add("setsid");
            full.addAll(command);
            Process process = new ProcessBuilder(full)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            return process.pid();
        } catch (IOException e) {
            throw new LabException("start " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
    }

    static boolean alive(long pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** TERM, wait up to {@code grace}, then KILL. Only ever called with PIDs the lab started itself. */
    static void stop(long pid, Duration grace) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return;
        }
        handle.get().destroy();
        try {
            handle.get().onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            handle.get().destroyForcibly();
            try {
                handle.get().onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // reported by the caller's next liveness check
            }
        }
    }
}
