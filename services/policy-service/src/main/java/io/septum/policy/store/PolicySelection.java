package io.septum.policy.store;

import java.util.Optional;

/**
 * Which stored objects an operation means: all, those of one namespace, or those of one namespace and
 * name, optionally of one kind (matched case-insensitively).
 */
public record PolicySelection(Optional<String> namespace, Optional<String> name, Optional<String> kind) {

    public static PolicySelection all() {
        return new PolicySelection(Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static PolicySelection inNamespace(Optional<String> namespace) {
        return new PolicySelection(namespace, Optional.empty(), Optional.empty());
    }

    public static PolicySelection named(String namespace, String name, Optional<String> kind) {
        return new PolicySelection(Optional.of(namespace), Optional.of(name), kind);
    }

    /** For messages: "policy prod/backend", "NetworkPolicy prod/backend", "policies in namespace prod", "all policies". */
    public String describe() {
        if (name.isPresent()) {
            String qualified = namespace.filter(ns -> !ns.isEmpty()).map(ns -> ns + "/").orElse("") + name.get();
            return kind.orElse("policy") + " " + qualified;
        }
        return namespace.map(ns -> "policies in namespace " + ns).orElse("all policies");
    }
}
