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
final class SeptumCommand {

    static final String LAB = "septest";

    record Result(int exitCode, String output) {
    }

    private SeptumCommand() {
    }

    static Map<String, String> environment() {
        return Map.of(
                "SEPTUM_IDENTITY_URL", ControlPlane.identityUrl(),
                "SEPTUM_POLICY_URL", ControlPlane.policyUrl(),
                "SEPTUM_NATS_URL", ControlPlane.NATS_URL,
                "SEPTUM_RUN", Repo.itRunDirectory().toString(),
                "SEPTUM_LAB", LAB,
                "SEPTUM_LAB_API_PORT", "19870");
    }

    static Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Repo.root().resolve("septum").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(Repo.root().toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment());
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("septum " + String.join(" ", args) + " did not finish within 180 s");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        System.out.println("$ septum " + String.join(" ", args) + "  [exit " + process.exitValue() + "]\n" + text);
        return new Result(process.exitValue(), text);
    }

    /** Runs and fails unless the exit code is 0. */
    static String ok(String... args) throws IOException, InterruptedException {
        Result result = run(args);
        if (result.exitCode() != 0) {
            throw new AssertionError("septum " + String.join(" ", args) + " exited " + result.exitCode() + ":\n" + result.output());
        }
        return result.output();
    }
}
