package io.septum.cli.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs iproute2 and sysctl commands for the lab's plumbing, as a CNI plugin's netlink calls would. Each
 * failure names the command and what it printed.
 */
final class IpCommand {

    private IpCommand() {
    }

    static String run(String... command) {
        return run(List.of(command));
    }

    static String run(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new LabException(String.join(" ", command) + ": timed out");
            }
            String text = new String(output, StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                throw new LabException(String.join(" ", command) + " failed (exit " + process.exitValue() + "): " + text);
            }
            return text;
        } catch (IOException e) {
            throw new LabException(String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException(String.join(" ", command) + ": interrupted");
        }
    }

    /** Like {@link #run} but a failure is only returned, for best-effort clean-up. */
    static boolean tryRun(String... command) {
        try {
            run(command);
            return true;
        } catch (LabException e) {
            return false;
        }
    }

    static List<String> namespaces() {
        List<String> out = new ArrayList<>();
        for (String line : run("ip", "netns", "list").split("\n")) {
            String name = line.strip().split("\\s+")[0];
            if (!name.isEmpty()) {
                out.add(name);
            }
        }
        return out;
    }

    static void sysctl(String netns, String key, String value) {
        run("ip", "netns", "exec", netns, "sysctl", "-qw", key + "=" + value);
    }
}
