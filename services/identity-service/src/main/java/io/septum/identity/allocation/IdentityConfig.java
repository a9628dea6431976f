package io.septum.identity.allocation;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "septum.identity")
public interface IdentityConfig {

    /**
     * Which k8s label keys are identity-relevant: ordered rules separated by commas, {@code +regex} keeps and
     * {@code -regex} drops a label whose whole key the regex matches; the first matching rule decides, a key no rule
     * matches is kept. One string split here, not a config list, so that a regex keeps its backslashes; a regex
     * therefore cannot contain a comma (label keys never do).
     */
    String labelRules();

    /**
     * Largest accepted request body, from its Content-Length (413 with an ErrorResponse); below
     * quarkus.http.limits.max-body-size, the HTTP layer's bare 413 for bodies sent without a length.
     */
    @WithDefault("4M")
    MemorySize maxBodySize();

    AllocationConfig allocation();

    EndpointWritesConfig endpoints();

    LeaseConfig lease();

    CollectionConfig gc();

    /** How POST /v1/identities is answered: concurrent requests share transactions; known sets come from memory. */
    interface AllocationConfig {
        /** At most this many label sets in one allocation transaction. */
        @WithDefault("512")
        int maxBatch();

        /** At most this many allocation transactions at once (each holds one database connection). */
        @WithDefault("4")
        int maxInFlight();

        /** A transaction starts beside running ones only once this many label sets wait (alone, at once). */
        @WithDefault("1")
        int minBeside();

        /** How long a set this replica allocated is answered from memory; 0 switches the memory off. */
        @WithDefault("10s")
        Duration cacheTtl();
    }

    /** How endpoint registrations and deletions are written: concurrent ones share transactions. */
    interface EndpointWritesConfig {
        /** At most this many endpoint writes in one transaction. */
        @WithDefault("256")
        int maxBatch();

        /** At most this many shared endpoint transactions at once (each holds one database connection). */
        @WithDefault("2")
        int maxInFlight();

        /** A transaction starts beside running ones only once this many writes wait (alone, at once). */
        @WithDefault("1")
        int minBeside();
    }

    interface LeaseConfig {
        /**
         * An endpoint is removed when its node has not renewed its lease for this long and the endpoint was not
         * registered (PUT) within it either. Enforcers renew every third of it.
         */
        @WithDefault("30s")
        Duration duration();
    }

    interface CollectionConfig {
        /** Whether this replica runs collection passes (expired endpoints, unused identities) on its own. */
        @WithDefault("true")
        boolean enabled();

        /** Time between two collection passes. */
        @WithDefault("2s")
        Duration interval();

        /** How long an identity no endpoint refers to stays before it is collected (the memory ttl is added). */
        @WithDefault("5m")
        Duration grace();

        /** Rows one transaction of a pass handles at most; a pass continues while there is more. */
        @WithDefault("1000")
        int batch();
    }
}
