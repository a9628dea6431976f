package io.septum.flows.nats;

import io.smallrye.config.ConfigMapping;

import java.nio.file.Path;
import java.util.Optional;

/** Where NATS is. */
@ConfigMapping(prefix = "septum.nats")
public interface NatsConfig {

    String url();

    /** This service's NATS user (infra/auth.sh); none: connect without one. */
    Optional<String> user();

    /** The user's password; by default read from its file in {@link #credentialsDir()} (septum-auth's NatsPasswordConfigSourceFactory). */
    Optional<String> password();

    /** The folder of the NATS users' password files ({@code <user>.password}). */
    Path credentialsDir();
}
