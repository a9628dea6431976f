package io.septum.it.restart;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The named stretches of time a test goes through ("enforcers killed", "restarting", …). Observers file
 * what they see under the phase current when they began looking, so that a failure says when it happened.
 */
final class Phases {

    private final AtomicReference<String> current;
    private final List<String> all = new ArrayList<>();

    Phases(String first) {
        current = new AtomicReference<>(first);
        all.add(first);
    }

    void enter(String phase) {
        synchronized (all) {
            all.add(phase);
        }
        current.set(phase);
        System.out.println("--- phase: " + phase);
    }

    String current() {
        return current.get();
    }

    List<String> all() {
        synchronized (all) {
            return List.copyOf(all);
        }
    }
}
