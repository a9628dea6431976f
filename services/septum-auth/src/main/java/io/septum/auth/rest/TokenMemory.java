package io.septum.auth.rest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a service derived from a bearer token it verified, remembered by the token's exact text until the token
 * expires, at most {@code maxAge} (so that a key removed from a JWKS stops being trusted within it), for at most
 * {@code maxEntries} tokens: when full, expired entries go; when still full, all of them (the next requests derive
 * them again). Any other text — another signature, other claims — is another key.
 */
final class TokenMemory<V> {

    private record Entry<V>(V value, long untilMillis) {
    }

    private final int maxEntries;
    private final long maxAgeMillis;
    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();

    TokenMemory(int maxEntries, long maxAgeMillis) {
        this.maxEntries = maxEntries;
        this.maxAgeMillis = maxAgeMillis;
    }

    /** What was remembered for this text, null when nothing is or its time is up. */
    V get(String token, long nowMillis) {
        Entry<V> entry = entries.get(token);
        if (entry == null) {
            return null;
        }
        if (nowMillis < entry.untilMillis) {
            return entry.value;
        }
        entries.remove(token, entry);
        return null;
    }

    /** Remembers {@code value} for this text until {@code expiresMillis} (the token's exp), at most max-age. */
    void remember(String token, V value, long expiresMillis, long nowMillis) {
        if (expiresMillis <= nowMillis || maxEntries <= 0) {
            return;
        }
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(e -> e.untilMillis <= nowMillis);
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
        }
        entries.put(token, new Entry<>(value, Math.min(expiresMillis, nowMillis + maxAgeMillis)));
    }

    int size() {
        return entries.size();
    }
}
