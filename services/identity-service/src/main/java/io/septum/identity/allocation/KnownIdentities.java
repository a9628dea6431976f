package io.septum.identity.allocation;

import jakarta.inject.Singleton;

import java.util.concurrent.ConcurrentHashMap;

/**
 * This replica's memory of label sets it recently allocated, so that a known set is answered without a round trip to
 * PostgreSQL. An entry is trusted for {@code cache-ttl} after the allocation that confirmed it, which is safe because
 * collection waits that much longer than the grace period ({@link io.septum.identity.collection.IdentityCollector}):
 * an identity confirmed at t is not collected before t + grace + ttl, so every answer, from here or from the database,
 * leaves the identity at least the grace period. Identities this replica collects are forgotten at once.
 */
@Singleton
public class KnownIdentities {

    private record Entry(Identity identity, long confirmedAtNanos) {
    }

    /** Beyond this many entries the memory starts over: it is a shortcut, not a copy of the table. */
    private static final int MAX_ENTRIES = 200_000;

    private final long ttlNanos;
    private final ConcurrentHashMap<String, Entry> byLabels = new ConcurrentHashMap<>();

    public KnownIdentities(IdentityConfig config) {
        this.ttlNanos = config.allocation().cacheTtl().toNanos();
    }

    /** The identity of this canonical label text, if confirmed within the ttl; null otherwise. */
    Identity get(String canonical) {
        Entry entry = byLabels.get(canonical);
        if (entry == null || System.nanoTime() - entry.confirmedAtNanos >= ttlNanos) {
            return null;
        }
        return entry.identity;
    }

    /** Remembers an identity that an allocation begun at {@code confirmedAtNanos} (System.nanoTime) answered. */
    void confirmed(String canonical, Identity identity, long confirmedAtNanos) {
        if (ttlNanos <= 0) {
            return;
        }
        if (byLabels.size() >= MAX_ENTRIES) {
            byLabels.clear();
        }
        byLabels.put(canonical, new Entry(identity, confirmedAtNanos));
    }

    public void forget(String canonical) {
        byLabels.remove(canonical);
    }

    public void forgetAll() {
        byLabels.clear();
    }
}
