package io.septum.bench;

import io.nats.client.Options;
import io.septum.auth.nats.NatsUser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The checkout the benchmarks run from: the folder holding the {@code septum} launcher. */
public final class Repo {

    private Repo() {
    }

    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("septum"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the Septum checkout (a folder with ./septum) above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** Runtime folder of the benchmarks (logs, lab state, compiled tools), apart from a demo's and the tests'. */
    public static Path runDirectory() {
        return root().resolve(".run/bench");
    }

    /**
     * The NATS users' password files of the installation (infra/nats.sh starts the benchmark NATS with
     * $SEPTUM_RUN/auth/nats's users), apart from the benchmarks' own run folder.
     */
    public static Path natsCredentials() {
        return NatsUser.installationDirectory(root());
    }

    /** The installation's NATS admin: the benchmarks' clients connect as it. */
    public static NatsUser natsAdmin() {
        return NatsUser.read(natsCredentials(), NatsUser.ADMIN);
    }

    /** Connection options for {@code url} as the installation's NATS admin. */
    public static Options natsAdmin(String url) {
        NatsUser admin = natsAdmin();
        return new Options.Builder().server(url).userInfo(admin.name(), admin.password()).build();
    }

    /** The benchmark NATS that infra/nats.sh started (its pid file), to read its CPU time; empty when it is not running. */
    public static Optional<ProcessHandle> benchNats() {
        Path pidFile = root().resolve(".run/pids/nats-bench.pid");
        try {
            return ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
