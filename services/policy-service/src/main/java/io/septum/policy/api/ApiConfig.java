package io.septum.policy.api;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;

@ConfigMapping(prefix = "septum.policy")
public interface ApiConfig {

    /** Largest accepted body of POST /v1/policies; a larger one is answered 413. */
    MemorySize maxBodySize();
}
