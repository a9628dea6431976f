package io.septum.bench.latency;

import io.septum.bench.ExternalCommand;
import io.septum.bench.Repo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ./septum} run exactly as a user runs it, pointed at the benchmark's control plane and at a lab of its
 * own ("sepbench", enforcer APIs from port 29870, runtime folder .run/bench).
 */
final class SeptumCli {

    static final String LAB = "sepbench";
    static final int LAB_API_PORT = 29870;
    private static final Duration LIMIT = Duration.ofMinutes(3);

    private final Map<String, String> environment = Map.of(
            "SEPTUM_IDENTITY_URL", BenchControlPlane.identityUrl().toString(),
            "SEPTUM_POLICY_URL", BenchControlPlane.policyUrl().toString(),
            "SEPTUM_NATS_URL", BenchControlPlane.NATS_URL,
            "SEPTUM_RUN", Repo.runDirectory().toString(),
            "SEPTUM_NATS_CREDENTIALS", Repo.natsCredentials().toString(),
            "SEPTUM_LAB", LAB,
            "SEPTUM_LAB_API_PORT", Integer.toString(LAB_API_PORT));

    ExternalCommand.Result run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Repo.root().resolve("septum").toString());
        command.addAll(List.of(args));
        return ExternalCommand.exec(command, null, environment, LIMIT);
    }

    /** Runs and fails unless the command exits 0; returns its output. */
    String ok(String... args) {
        return ExternalCommand.require(run(args));
    }
}
