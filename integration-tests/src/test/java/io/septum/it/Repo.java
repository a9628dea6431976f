package io.septum.it;

import io.septum.auth.nats.NatsUser;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the checkout under test. */
public final class Repo {

    private Repo() {
    }

    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("septum"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the Septum checkout above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** Runtime folder of the end-to-end tests, apart from a demo's. */
    public static Path itRunDirectory() {
        return root().resolve(".run/it");
    }

    /**
     * The NATS users' password files of the installation whose test NATS server the tests use (infra/nats.sh
     * starts it with $SEPTUM_RUN/auth/nats's users), apart from the tests' own run folder.
     */
    public static Path natsCredentials() {
        return NatsUser.installationDirectory(root());
    }

    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
