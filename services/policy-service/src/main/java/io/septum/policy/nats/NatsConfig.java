package io.septum.policy.nats;

import io.septum.auth.nats.ServiceNatsConfig;
import io.smallrye.config.ConfigMapping;

/** Where NATS is, and as which user this service connects. */
@ConfigMapping(prefix = "septum.nats")
public interface NatsConfig extends ServiceNatsConfig {
}
