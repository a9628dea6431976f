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
        return NatsUser.read(credentialsDirectory(), NatsUser.ADMIN);
    }

    /** Connection options for {@code url} as the admin user. */
    public static Options options(String url) {
        NatsUser admin = admin();
        return new Options.Builder().server(url).userInfo(admin.name(), admin.password()).build();
    }

    /** The folder of the installation's NATS password files, for services a test starts. */
    public static Path credentialsDirectory() {
        return NatsUser.installationDirectory(checkout());
    }

    /** Surefire runs in the module's folder; the checkout's root is the nearest folder with the launcher. */
    private static Path checkout() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("septum"))) {
                return dir;
            }
        }
        throw new IllegalStateException("find the Septum checkout: no folder with ./septum above " + Path.of("").toAbsolutePath());
    }
}
