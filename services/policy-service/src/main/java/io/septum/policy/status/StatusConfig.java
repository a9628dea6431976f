package io.septum.policy.status;

import io.smallrye.config.ConfigMapping;

import java.time.Duration;

@ConfigMapping(prefix = "septum.status")
public interface StatusConfig {

    /** A node not heard from for this long is stale: its report no longer counts as realized. */
    Duration staleAfter();

    /** A node not heard from for this long is no longer listed (a removed node). */
    Duration forgetAfter();
}
