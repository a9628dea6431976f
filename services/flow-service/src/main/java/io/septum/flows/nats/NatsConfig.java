package io.septum.flows.nats;

import io.septum.auth.nats.ServiceNatsConfig;
import io.smallrye.config.ConfigMapping;

/** Where NATS is and as whom this service connects. */
@ConfigMapping(prefix = "septum.nats")
public interface NatsConfig extends ServiceNatsConfig {
}
