package io.septum.identity.distribution;

import io.septum.auth.nats.ServiceNatsConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Where NATS is and as whom this service connects; the connection retries the server forever. */
@ConfigMapping(prefix = "septum.nats")
public interface NatsConfig extends ServiceNatsConfig {

    /** How long one JetStream request (a bucket write) may take before the API call fails with 503. */
    @WithDefault("5s")
    Duration requestTimeout();
}
