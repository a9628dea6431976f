package io.septum.enforcer.datapath.maps;

import io.septum.enforcer.datapath.BpfException;
import io.septum.enforcer.datapath.libbpf.BpfMap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;

/** A BPF map with Java keys and values: the shared mechanics behind the per-map classes. */
final class TypedMap<K, V> {

    private final BpfMap map;
    private final Codec<K> keys;
    private final Codec<V> values;

    TypedMap(BpfMap map, Codec<K> keys, Codec<V> values) {
        if (map.keySize() != keys.layout().byteSize() || map.valueSize() != values.layout().byteSize()) {
            throw new IllegalStateException(map + " has key/value sizes " + map.keySize() + "/" + map.valueSize()
                    + ", but its Java mirrors " + keys.layout() + " / " + values.layout() + " do not match");
        }
        this.map = map;
        this.keys = keys;
        this.values = values;
    }

    BpfMap raw() {
        return map;
    }

    void put(K key, V value) {
        try (Arena arena = Arena.ofConfined()) {
            map.update(encode(keys, key, arena), encode(values, value, arena), BpfMap.BPF_ANY);
        }
    }

    Optional<V> lookup(K key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(values.layout());
            return map.lookup(encode(keys, key, arena), value) ? Optional.of(values.read(value)) : Optional.empty();
        }
    }

    /**
     * Exact-key lookup in an LPM trie, where a plain lookup is a longest-prefix match. The trie's
     * get_next_key walks in postorder and restarts at the first key when the given key is not stored, so:
     * the key is stored iff its successor is "none" or differs from the first key.
     */
    Optional<V> lookupExactPrefix(K key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment encoded = encode(keys, key, arena);
            MemorySegment value = arena.allocate(values.layout());
            if (!map.lookup(encoded, value)) {
                return Optional.empty(); // nothing covers it (the trie may be empty)
            }
            MemorySegment successor = arena.allocate(keys.layout());
            if (!map.nextKey(encoded, successor)) {
                return Optional.of(values.read(value)); // stored, and the last key
            }
            MemorySegment first = arena.allocate(keys.layout());
            map.nextKey(MemorySegment.NULL, first);
            return successor.mismatch(first) == -1 ? Optional.empty() : Optional.of(values.read(value));
        }
    }

    boolean delete(K key) {
        try (Arena arena = Arena.ofConfined()) {
            return map.delete(encode(keys, key, arena));
        }
    }

    Map<K, V> entries() {
        return entries((k, v) -> true);
    }

    /**
     * A snapshot by key iteration. Entries deleted meanwhile are skipped; a map that changes under the walk
     * may make it start over (duplicates collapse), and one that never settles is reported, not looped on.
     */
    Map<K, V> entries(BiPredicate<K, V> filter) {
        Map<K, V> out = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment current = arena.allocate(keys.layout());
            MemorySegment next = arena.allocate(keys.layout());
            MemorySegment value = arena.allocate(values.layout());
            MemorySegment cursor = MemorySegment.NULL;
            long limit = 2L * map.maxEntries() + 1024;
            for (long steps = 0; map.nextKey(cursor, next); steps++) {
                if (steps > limit) {
                    throw new BpfException("list map " + map.name(), map.where(), "entries changed too fast to list");
                }
                if (map.lookup(next, value)) {
                    K k = keys.read(next);
                    V v = values.read(value);
                    if (filter.test(k, v)) {
                        out.put(k, v);
                    }
                }
                current.copyFrom(next);
                cursor = current;
            }
        }
        return out;
    }

    int count() {
        int count = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment current = arena.allocate(keys.layout());
            MemorySegment next = arena.allocate(keys.layout());
            MemorySegment cursor = MemorySegment.NULL;
            while (map.nextKey(cursor, next)) {
                count++;
                current.copyFrom(next);
                cursor = current;
            }
        }
        return count;
    }

    void putAll(Map<K, V> entries) {
        if (entries.isEmpty()) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment keyArray = arena.allocate(keys.layout(), entries.size());
            MemorySegment valueArray = arena.allocate(values.layout(), entries.size());
            long i = 0;
            for (Map.Entry<K, V> e : entries.entrySet()) {
                keys.write(e.getKey(), keyArray.asSlice(i * keys.layout().byteSize(), keys.layout()));
                values.write(e.getValue(), valueArray.asSlice(i * values.layout().byteSize(), values.layout()));
                i++;
            }
            map.updateBatch(keyArray, valueArray, entries.size());
        }
    }

    int deleteAll(Collection<K> toDelete) {
        if (toDelete.isEmpty()) {
            return 0;
        }
        List<K> list = new ArrayList<>(toDelete);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment keyArray = arena.allocate(keys.layout(), list.size());
            for (int i = 0; i < list.size(); i++) {
                keys.write(list.get(i), keyArray.asSlice(i * keys.layout().byteSize(), keys.layout()));
            }
            return map.deleteBatch(keyArray, list.size());
        }
    }

    private static <T> MemorySegment encode(Codec<T> codec, T value, Arena arena) {
        MemorySegment segment = arena.allocate(codec.layout()); // zeroed: padding stays 0
        codec.write(value, segment);
        return segment;
    }
}
