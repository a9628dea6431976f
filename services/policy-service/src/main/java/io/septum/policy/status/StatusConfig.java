package io.septum.policy.status;

import io.smallrye.config.ConfigMapping;

import java.time.Duration;

@ConfigMapping(prefix = "septum.status")
public interface StatusConfig {

    /**
     * This process's consumer of the status stream: one per process, since every replica needs every report,
     * and a new one per start, so that it begins with the latest report of every node.
     */
    String consumer();

    /** A node not heard from for this long is stale: its report no longer counts as realized. */
    Duration staleAfter();

    /** A node not heard from for this long is no longer listed (a removed node). */
    Duration forgetAfter();
}
