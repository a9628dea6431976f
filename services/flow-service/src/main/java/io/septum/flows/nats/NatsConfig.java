package io.septum.flows.nats;

import io.smallrye.config.ConfigMapping;

/** Where NATS is. */
@ConfigMapping(prefix = "septum.nats")
public interface NatsConfig {

    String url();
}
