package io.septum.identity.namespaces;

import jakarta.inject.Singleton;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The labels this replica last saw for each namespace, so that an endpoint's identity labels can be computed before
 * its transaction starts. Only a guess: the transaction checks it against the locked namespace row and starts over
 * with the stored labels when they differ (another replica changed them), so a stale entry costs a retry, never a
 * wrong identity.
 */
@Singleton
public class KnownNamespaces {

    private final Map<String, Map<String, String>> labels = new ConcurrentHashMap<>();

    /** The labels last seen, or null when unknown. */
    public Map<String, String> labels(String namespace) {
        return labels.get(namespace);
    }

    public void remember(String namespace, Map<String, String> namespaceLabels) {
        labels.put(namespace, Map.copyOf(namespaceLabels));
    }

    public void forget(String namespace) {
        labels.remove(namespace);
    }

    public void forgetAll() {
        labels.clear();
    }
}
