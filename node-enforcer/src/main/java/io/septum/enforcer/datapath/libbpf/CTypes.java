package io.septum.enforcer.datapath.libbpf;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The C scalar types of the BPF structs as FFM layouts, byte order included: {@code __u*} fields are in
 * host order, {@code __be*} fields in network order, so a mirror reads like the C struct it copies.
 */
public final class CTypes {

    public static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT;
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);
    /** size_t and pointers (x86-64 / arm64). */
    public static final ValueLayout.OfLong SIZE_T = ValueLayout.JAVA_LONG;

    private CTypes() {
    }

    /** An explicit padding member of {@code bytes} bytes, named like the C member. */
    public static MemoryLayout pad(String name, long bytes) {
        return MemoryLayout.paddingLayout(bytes).withName(name);
    }
}
