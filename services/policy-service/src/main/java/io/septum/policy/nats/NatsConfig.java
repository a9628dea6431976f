package io.septum.policy.nats;

import io.septum.auth.nats.ServiceNatsConfig;
import io.smallrye.config.ConfigMapping;

/** Where NATS is. The messaging extension's connection ({@code quarkus.messaging.nats.*}) derives from the same URL. */
@ConfigMapping(prefix = "septum.nats")
public interface NatsConfig extends ServiceNatsConfig {
}
