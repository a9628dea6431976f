package io.septum.auth.nats;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Gives a Quarkus service {@code septum.nats.password} from the password file of its NATS user
 * ({@code septum.nats.user} in {@code septum.nats.credentials-dir}), so that configuration which cannot read a
 * file — the messaging extension's {@code quarkus.messaging.nats.connection.password} — gets it without the
 * password appearing in a command line or a properties file. An explicit {@code septum.nats.password} wins.
 * A missing file gives no value here: the service's own connection then fails naming the file.
 */
public final class NatsPasswordConfigSourceFactory implements ConfigSourceFactory {

    static final String USER = "septum.nats.user";
    static final String DIRECTORY = "septum.nats.credentials-dir";
    static final String PASSWORD = "septum.nats.password";
    /** Below application.properties (250) and the environment (300), so either may still set the password. */
    private static final int ORDINAL = 200;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        String user = value(context, USER);
        String directory = value(context, DIRECTORY);
        if (user == null || directory == null || value(context, PASSWORD) != null
                || !Files.isReadable(Path.of(directory, user + ".password"))) {
            return List.of();
        }
        NatsUser credentials = NatsUser.read(Path.of(directory), user);
        return List.of(new MapBackedConfigSource("NATS password of " + user, Map.of(PASSWORD, credentials.password()), ORDINAL) {
        });
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value == null || value.getValue() == null || value.getValue().isBlank() ? null : value.getValue();
    }
}
