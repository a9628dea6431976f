package io.septum.it;

import java.util.Set;
import java.util.function.Predicate;

/** A pod of the running lab as {@code lab status --json} shows it: its node, address and network namespace. */
public record LabPod(String namespace, String name, String node, String ip, String netns) {

    /** NS/POD, as the CLI names pods. */
    public String key() {
        return namespace + "/" + name;
    }

    // Selections of pods for expectations, read as English: deny(from(any()), to(inNamespace("x"))).

    public static Predicate<LabPod> any() {
        return pod -> true;
    }

    public static Predicate<LabPod> inNamespace(String namespace) {
        return pod -> pod.namespace().equals(namespace);
    }

    /** Pods by NS/POD key. */
    public static Predicate<LabPod> pods(String... keys) {
        Set<String> wanted = Set.of(keys);
        return pod -> wanted.contains(pod.key());
    }

    /** Pods by name in every namespace, as label pod=NAME selects them in the e2e model. */
    public static Predicate<LabPod> named(String name) {
        return pod -> pod.name().equals(name);
    }
}
