package io.septum.auth.nats;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a service's NATS is and as whom it connects ({@code septum.nats.*}). Each service's own config mapping extends
 * this, adding what only it needs; {@link ServiceNatsOptions} turns it into connection options.
 */
public interface ServiceNatsConfig {

    /** The NATS server (JetStream enabled). */
    String url();

    /** This service's NATS user (infra/auth.sh); none: connect without one. */
    Optional<String> user();

    /** The user's password; by default read from its file in {@link #credentialsDir()} ({@link NatsPasswordConfigSourceFactory}). */
    Optional<String> password();

    /** The folder of the NATS users' password files ({@code <user>.password}). */
    Path credentialsDir();
}
