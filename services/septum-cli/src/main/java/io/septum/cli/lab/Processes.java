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

    /**
     * True while {@code pid} runs. A zombie counts as gone: the lab's processes outlive the command that started
     * them, so their parent is init (or a subreaper), which may reap them only a while after they exit.
     */
    static boolean alive(long pid) {
        if (pid <= 0 || !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The state follows the command name, which is in parentheses and may itself contain ") ".
            int close = stat.lastIndexOf(") ");
            return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGKILL, as a crash or the OOM killer would end it; waits up to {@code wait} for it to be gone. Only for PIDs the lab started. */
    static void kill(long pid, Duration wait) {
        Optional<ProcessHandle> handle = pid > 0 ? ProcessHandle.of(pid) : Optional.empty();
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return;
        }
        handle.get().destroyForcibly();
        awaitExit(pid, wait);
    }

    /** TERM, wait up to {@code grace}, then KILL. Only ever called with PIDs the lab started itself. */
    static void stop(long pid, Duration grace) {
        Optional<ProcessHandle> handle = pid > 0 ? ProcessHandle.of(pid) : Optional.empty();
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return;
        }
        handle.get().destroy();
        if (!awaitExit(pid, grace)) {
            handle.get().destroyForcibly();
            awaitExit(pid, Duration.ofSeconds(5));
        }
    }

    /**
     * Polls until {@code pid} is gone. The lab's processes are not children of this CLI process (an earlier
     * command started them), and {@code ProcessHandle.onExit} notices the exit of a non-child only seconds late.
     */
    private static boolean awaitExit(long pid, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (alive(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !alive(pid);
            }
        }
        return true;
    }
}
