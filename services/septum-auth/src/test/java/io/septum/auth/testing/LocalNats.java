package io.septum.auth.testing;

import io.nats.client.Options;
import io.septum.auth.nats.NatsUser;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The NATS admin user of this checkout's installation, for tests and harnesses that talk to the shared test
 * NATS server directly (infra/nats.sh starts it with the users of {@code $SEPTUM_RUN/auth/nats}). Plain Java:
 * usable from any module's tests.
 */
public final class LocalNats {

    private LocalNats() {
    }

    /** The admin user of {@code $SEPTUM_RUN}, else of the {@code .run} folder of the enclosing checkout. */
    public static NatsUser admin() {
        return NatsUser.admin(runDirectory());
    }

    /** Connection options for {@code url} as the admin user. */
    public static Options options(String url) {
        NatsUser admin = admin();
        return new Options.Builder().server(url).userInfo(admin.name(), admin.password()).build();
    }

    /** The folder of the installation's NATS password files, for services a test starts. */
    public static Path credentialsDirectory() {
        return NatsUser.directory(runDirectory());
    }

    static Path runDirectory() {
        String configured = System.getenv("SEPTUM_RUN");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        // Surefire runs in the module's folder; the checkout's root is the nearest folder with the launcher.
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("septum")) && Files.isDirectory(dir.resolve(".run"))) {
                return dir.resolve(".run");
            }
        }
        throw new IllegalStateException("find the installation's run folder: no SEPTUM_RUN and no .run above "
                + Path.of("").toAbsolutePath());
    }
}
