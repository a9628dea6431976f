package io.septum.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code ./septum} exactly as a user does, against the test control plane and a lab of its own name
 * ("septest"), so that the end-to-end tests exercise the real launcher, CLI, lab and enforcers.
 */
public final class SeptumCommand {

    public static final String LAB = "septest";

    public record Result(int exitCode, String output) {
    }

    private SeptumCommand() {
    }

    public static Map<String, String> environment() {
        return Map.of(
                "SEPTUM_IDENTITY_URL", ControlPlane.identityUrl(),
                "SEPTUM_POLICY_URL", ControlPlane.policyUrl(),
                "SEPTUM_FLOW_URL", ControlPlane.flowsUrl(),
                "SEPTUM_NATS_URL", ControlPlane.NATS_URL,
                "SEPTUM_RUN", Repo.itRunDirectory().toString(),
                "SEPTUM_NATS_CREDENTIALS", Repo.natsCredentials().toString(),
                "SEPTUM_LAB", LAB,
                "SEPTUM_LAB_API_PORT", "19870");
    }

    public static Result run(String... args) throws IOException, InterruptedException {
        return run(true, args);
    }

    /** Like {@link #run} but logs only the command and its exit code, for commands with long output (matrices). */
    public static Result runQuietly(String... args) throws IOException, InterruptedException {
        return run(false, args);
    }

    private static Result run(boolean logOutput, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Repo.root().resolve("septum").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(Repo.root().toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment());
        long start = System.nanoTime();
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("septum " + String.join(" ", args) + " did not finish within 180 s");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        System.out.printf("$ septum %s  [exit %d, %.1f s]%n%s", String.join(" ", args), process.exitValue(),
                (System.nanoTime() - start) / 1e9, logOutput ? text + "\n" : "");
        return new Result(process.exitValue(), text);
    }

    /** Runs and fails unless the exit code is 0. */
    public static String ok(String... args) throws IOException, InterruptedException {
        Result result = run(args);
        if (result.exitCode() != 0) {
            throw new AssertionError("septum " + String.join(" ", args) + " exited " + result.exitCode() + ":\n" + result.output());
        }
        return result.output();
    }
}
