package io.septum.auth.nats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A NATS user of the local installation and its password. infra/auth.sh makes one user per writer (each
 * service, each enforcer node, an admin for the CLI and tests) with per-subject permissions in the server's
 * users.conf, and each password in {@code <run>/auth/nats/<user>.password} (0600), which every client reads.
 * A server started without users ignores the credentials, so clients send them always.
 */
public record NatsUser(String name, String password) {

    /** Everything: the CLI, tests and operators. */
    public static final String ADMIN = "admin";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][-a-z0-9.]*");

    public NatsUser {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("NATS user '" + name + "': not a user name of infra/auth.sh");
        }
    }

    /** Where the passwords of runtime folder {@code run} ($SEPTUM_RUN) are. */
    public static Path directory(Path run) {
        return run.resolve("auth").resolve("nats");
    }

    /**
     * The password files of the installation whose NATS servers a checkout's tests and benchmarks use:
     * $SEPTUM_RUN's (infra/nats.sh starts the servers with its users), else the checkout's own {@code .run}'s.
     */
    public static Path installationDirectory(Path checkout) {
        String run = System.getenv("SEPTUM_RUN");
        return directory(run != null && !run.isBlank() ? Path.of(run) : checkout.resolve(".run"));
    }

    /** Reads {@code name}'s password from {@code directory}; fails naming the file when it is not there. */
    public static NatsUser read(Path directory, String name) {
        Path file = directory.resolve(name + ".password");
        try {
            return new NatsUser(name, Files.readString(file, StandardCharsets.US_ASCII).strip());
        } catch (IOException e) {
            throw new IllegalStateException("read the password of NATS user " + name + " from " + file
                    + " (made by infra/auth.sh): " + e, e);
        }
    }


    @Override
    public String toString() {
        return "NatsUser[" + name + "]"; // never the password
    }
}
