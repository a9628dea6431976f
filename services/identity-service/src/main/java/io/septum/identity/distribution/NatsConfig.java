package io.septum.identity.distribution;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "septum.nats")
public interface NatsConfig {

    /** The NATS server (JetStream enabled); the connection retries it forever. */
    @WithDefault("nats://127.0.0.1:4222")
    String url();

    /** How long one JetStream request (a bucket write) may take before the API call fails with 503. */
    @WithDefault("5s")
    Duration requestTimeout();

    /** This service's NATS user (infra/auth.sh); none: connect without one. */
    Optional<String> user();

    /** The user's password; by default read from its file in {@link #credentialsDir()} (septum-auth's NatsPasswordConfigSourceFactory). */
    Optional<String> password();

    /** The folder of the NATS users' password files ({@code <user>.password}). */
    Path credentialsDir();
}
