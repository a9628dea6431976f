package io.septum.enforcer.controlplane.mapstate;

import io.septum.model.policy.Direction;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.LongPredicate;

/**
 * Policy entries in two primitive arrays: an open-addressing hash table from a packed {@link PolicyKey} to a packed
 * {@link PolicyEntry}. An endpoint heavily selected has tens of thousands of entries; as objects (a hash node, a
 * key and a boxed hash each) they were most of the resolver's time and nearly all of its garbage collection. A
 * packed key is non-negative, so {@link #EMPTY} marks a free slot. Not thread-safe; owned by whoever fills it,
 * read-only once handed to a {@link MapState}.
 */
final class PackedEntries {

    static final long EMPTY = -1L;
    private static final int MIN_CAPACITY = 16;

    private long[] keys;
    private long[] values;
    private int size;

    PackedEntries(int expected) {
        int capacity = capacityFor(expected);
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        values = new long[capacity];
    }

    // ---- packing ----

    /** identity (unsigned 32 bits) | direction (1) | protocol (8) | port (16) | prefix bits (5): at most 62 bits. */
    static long key(int identity, Direction direction, int protocol, int port, int prefixBits) {
        return ((identity & 0xffffffffL) << 30) | ((long) direction.code() << 29) | ((long) protocol << 21) | ((long) port << 5) | prefixBits;
    }

    static long key(PolicyKey key) {
        return key(key.identity(), key.direction(), key.protocol(), key.port(), key.prefixBits());
    }

    static PolicyKey unpackKey(long packed) {
        return new PolicyKey((int) (packed >>> 30), Direction.ofCode((int) (packed >>> 29) & 1), (int) (packed >>> 21) & 0xff,
                (int) (packed >>> 5) & 0xffff, (int) packed & 0x1f);
    }

    /** Where a packed key's scope begins: see {@link #scope}. */
    static final int SCOPE_SHIFT = 29;
    /** A packed key's protocol and port, 24 bits: a key's prefix bits count from the top of these. */
    private static final int L4_SHIFT = 5;
    private static final int L4_BITS = 24;

    /** The identity and direction of a packed key: only a deny of the same scope can cover an allow. */
    static long scope(long packedKey) {
        return packedKey >>> SCOPE_SHIFT;
    }

    /**
     * True when every packet {@code key} matches is also matched by {@code by}: {@link PolicyKey#coveredBy} on packed
     * keys. Same scope, and {@code by}'s protocol/port prefix is no longer than the key's and equal to the key's first
     * bits of it (bits beyond a prefix are zero in a key).
     */
    static boolean covers(long by, long key) {
        int byBits = (int) by & 0x1f;
        if (scope(by) != scope(key) || byBits > ((int) key & 0x1f)) {
            return false;
        }
        int mask = byBits == 0 ? 0 : (-1 << (L4_BITS - byBits)) & ((1 << L4_BITS) - 1);
        return ((int) (key >>> L4_SHIFT) & mask) == ((int) (by >>> L4_SHIFT) & ((1 << L4_BITS) - 1));
    }

    static long entry(PolicyEntry entry) {
        return (entry.deny() ? 1L << 32 : 0) | (entry.ruleRef() & 0xffffffffL);
    }

    static PolicyEntry unpackEntry(long packed) {
        return new PolicyEntry((packed & (1L << 32)) != 0, (int) packed);
    }

    static boolean isDeny(long packedEntry) {
        return (packedEntry & (1L << 32)) != 0;
    }

    // ---- the table ----

    int size() {
        return size;
    }

    /** The packed entry of {@code key}, or {@link #EMPTY}. */
    long get(long key) {
        long[] k = keys;
        int mask = k.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            long found = k[i];
            if (found == key) {
                return values[i];
            }
            if (found == EMPTY) {
                return EMPTY;
            }
        }
    }

    /**
     * Adds {@code entry} under {@code key}; when the key has one already, a deny wins over an allow and between
     * equal verdicts the smaller rule number (unsigned) stays, so the result never depends on the order of rules.
     */
    void merge(long key, long entry) {
        long[] k = keys;
        int mask = k.length - 1;
        int i = slot(key, mask);
        for (; ; i = (i + 1) & mask) {
            long found = k[i];
            if (found == key) {
                long old = values[i];
                if (isDeny(old) != isDeny(entry)) {
                    values[i] = isDeny(old) ? old : entry;
                } else if (Integer.compareUnsigned((int) old, (int) entry) > 0) {
                    values[i] = entry;
                }
                return;
            }
            if (found == EMPTY) {
                break;
            }
        }
        k[i] = key;
        values[i] = entry;
        if (++size > k.length * 3L / 4) {
            grow();
        }
    }

    /** The keys of the deny entries. */
    long[] denyKeys() {
        int count = 0;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY && isDeny(values[i])) {
                count++;
            }
        }
        long[] out = new long[count];
        int n = 0;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY && isDeny(values[i])) {
                out[n++] = keys[i];
            }
        }
        return out;
    }

    /** Shrinks a table sized far beyond its entries (a size guess that rules overlapping made too big). */
    void trim() {
        int capacity = capacityFor(size);
        if (capacity * 4L <= keys.length) {
            rebuild(keys, values, capacity);
        }
    }

    /** Removes every allow entry {@code covered} says a deny covers; the table is rebuilt without them. */
    void removeAllows(LongPredicate covered) {
        long[] oldKeys = keys;
        long[] oldValues = values;
        int removed = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY && !isDeny(oldValues[i]) && covered.test(oldKeys[i])) {
                oldKeys[i] = ~oldKeys[i]; // marked removed: negative, which no key is; the rebuild below skips it
                removed++;
            }
        }
        if (removed == 0) {
            return;
        }
        rebuild(oldKeys, oldValues, keys.length);
        size -= removed;
    }

    /** Calls {@code action} with every packed key and entry. */
    void forEach(PackedConsumer action) {
        long[] k = keys;
        for (int i = 0; i < k.length; i++) {
            if (k[i] >= 0) {
                action.accept(k[i], values[i]);
            }
        }
    }

    /** The entries decoded, one by one. */
    Iterator<Map.Entry<PolicyKey, PolicyEntry>> iterator() {
        long[] k = keys;
        long[] v = values;
        return new Iterator<>() {
            private int next = advance(0);

            private int advance(int from) {
                int i = from;
                while (i < k.length && k[i] < 0) {
                    i++;
                }
                return i;
            }

            @Override
            public boolean hasNext() {
                return next < k.length;
            }

            @Override
            public Map.Entry<PolicyKey, PolicyEntry> next() {
                if (next >= k.length) {
                    throw new NoSuchElementException();
                }
                Map.Entry<PolicyKey, PolicyEntry> out = Map.entry(unpackKey(k[next]), unpackEntry(v[next]));
                next = advance(next + 1);
                return out;
            }
        };
    }

    @FunctionalInterface
    interface PackedConsumer {
        void accept(long key, long entry);
    }

    /** The table size that holds {@code expected} entries below the load factor (3/4). */
    private static int capacityFor(int expected) {
        int capacity = MIN_CAPACITY;
        while (capacity * 3L / 4 < expected) {
            capacity <<= 1;
        }
        return capacity;
    }

    private void grow() {
        rebuild(keys, values, keys.length << 1);
    }

    /** Re-inserts the live (non-negative) keys of the given arrays into fresh arrays of {@code capacity}. */
    private void rebuild(long[] oldKeys, long[] oldValues, int capacity) {
        long[] k = new long[capacity];
        Arrays.fill(k, EMPTY);
        long[] v = new long[capacity];
        int mask = capacity - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            long key = oldKeys[j];
            if (key >= 0) {
                int i = slot(key, mask);
                while (k[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                k[i] = key;
                v[i] = oldValues[j];
            }
        }
        keys = k;
        values = v;
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
