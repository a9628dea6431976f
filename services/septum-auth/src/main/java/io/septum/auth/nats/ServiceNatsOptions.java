package io.septum.auth.nats;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.io.IOException;
import java.time.Duration;

/** The jnats connection every Septum service makes: named after the service, reconnecting forever, as its own NATS user. */
public final class ServiceNatsOptions {

    private ServiceNatsOptions() {
    }

    /**
     * Options for {@code service}'s connection to {@code config}'s server; the caller adds its listeners. The server lets
     * the user write only what the service owns (infra/auth.sh); a server without users ignores the credentials.
     */
    public static Options.Builder of(String service, ServiceNatsConfig config) {
        Options.Builder options = Options.builder()
                .server(config.url())
                .connectionName(service)
                .connectionTimeout(Duration.ofSeconds(5))
                .maxReconnects(-1);
        config.user().ifPresent(user -> options.userInfo(user,
                config.password().orElseGet(() -> NatsUser.read(config.credentialsDir(), user).password())));
        return options;
    }

    /** Connects now (the first connect must succeed); the error names the server. */
    public static Connection connect(Options options) throws IOException {
        String server = options.getServers().getFirst().toString();
        try {
            return Nats.connect(options);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("connect to NATS " + server + ": interrupted", e);
        } catch (IOException e) {
            throw new IOException("connect to NATS " + server + ": " + e.getMessage(), e);
        }
    }
}
