package io.septum.enforcer.datapath.maps;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Turns a Java value into the bytes of its C struct mirror and back. {@code write} may assume a zeroed
 * target, so padding stays zero (hash and LPM keys compare every byte).
 */
record Codec<T>(MemoryLayout layout, BiConsumer<T, MemorySegment> writer, Function<MemorySegment, T> reader) {

    void write(T value, MemorySegment target) {
        writer.accept(value, target);
    }

    T read(MemorySegment source) {
        return reader.apply(source);
    }
}
