package io.septum.identity.allocation;

import io.smallrye.config.ConfigMapping;

@ConfigMapping(prefix = "septum.identity")
public interface IdentityConfig {

    /**
     * Which k8s label keys are identity-relevant: ordered rules separated by commas, {@code +regex} keeps and
     * {@code -regex} drops a label whose whole key the regex matches; the first matching rule decides, a key no rule
     * matches is kept. One string split here, not a config list, so that a regex keeps its backslashes; a regex
     * therefore cannot contain a comma (label keys never do).
     */
    String labelRules();
}
