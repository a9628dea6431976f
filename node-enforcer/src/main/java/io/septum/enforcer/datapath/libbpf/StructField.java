package io.septum.enforcer.datapath.libbpf;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * One scalar member of a struct mirror, read and written by its C member name. The member's layout carries
 * its byte order, so values come and go in host order; unsigned C types are widened or kept as Java's bits.
 *
 * <p>A record on purpose: the JIT trusts a record's final fields as constants, so a {@code static final} field's
 * layout folds into a direct memory access. (With a plain class, every read went through the generic var handle
 * path: a quarter of the flow event reader's time.) Make them with {@link #of}.
 */
public record StructField(String name, ValueLayout layout, long offset) {

    public static StructField of(StructLayout struct, String name) {
        MemoryLayout member = struct.select(groupElement(name));
        if (!(member instanceof ValueLayout value)) {
            throw new IllegalArgumentException(struct.name().orElse("struct") + "." + name + " is not a scalar");
        }
        return new StructField(name, value, struct.byteOffset(groupElement(name)));
    }

    /** __u8: 0-255. */
    public int u8(MemorySegment s) {
        return Byte.toUnsignedInt(s.get(as(ValueLayout.OfByte.class), offset));
    }

    /** __u16 / __be16: 0-65535. */
    public int u16(MemorySegment s) {
        return Short.toUnsignedInt(s.get(as(ValueLayout.OfShort.class), offset));
    }

    /** __u32 / __be32: the 32 bits (Java int, read unsigned where it matters). */
    public int u32(MemorySegment s) {
        return s.get(as(ValueLayout.OfInt.class), offset);
    }

    /** __u64. */
    public long u64(MemorySegment s) {
        return s.get(as(ValueLayout.OfLong.class), offset);
    }

    public void setU8(MemorySegment s, int value) {
        s.set(as(ValueLayout.OfByte.class), offset, (byte) value);
    }

    public void setU16(MemorySegment s, int value) {
        s.set(as(ValueLayout.OfShort.class), offset, (short) value);
    }

    public void setU32(MemorySegment s, int value) {
        s.set(as(ValueLayout.OfInt.class), offset, value);
    }

    public void setU64(MemorySegment s, long value) {
        s.set(as(ValueLayout.OfLong.class), offset, value);
    }

    private <L extends ValueLayout> L as(Class<L> type) {
        if (!type.isInstance(layout)) {
            throw new IllegalStateException("member " + name + " is a " + layout + ", not a " + type.getSimpleName());
        }
        return type.cast(layout);
    }
}
