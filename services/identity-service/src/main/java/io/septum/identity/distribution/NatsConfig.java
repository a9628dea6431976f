package io.septum.identity.distribution;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "septum.nats")
public interface NatsConfig {

    /** The NATS server (JetStream enabled); the connection retries it forever. */
    @WithDefault("nats://127.0.0.1:4222")
    String url();

    /** How long one JetStream request (a bucket write) may take before the API call fails with 503. */
    @WithDefault("5s")
    Duration requestTimeout();
}
