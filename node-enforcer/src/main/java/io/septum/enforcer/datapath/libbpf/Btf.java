package io.septum.enforcer.datapath.libbpf;

import io.septum.enforcer.datapath.BpfException;
import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads struct layouts from an object's BTF (the type information clang emits with {@code -g}), so that the
 * Java mirrors of the BPF structs can be checked against what clang really produced. Valid while the
 * owning {@link BpfObject} is open.
 */
public final class Btf {

    /** A member as clang laid it out; offsets and sizes in bytes. */
    public record Member(String name, long offset, long size) {
    }

    /** A struct as clang laid it out. */
    public record Struct(String name, long size, List<Member> members) {
    }

    private static final int KIND_INT = 1;
    private static final int KIND_STRUCT = 4;
    private static final int KIND_TYPEDEF = 8;
    private static final int KIND_VOLATILE = 9;
    private static final int KIND_CONST = 10;
    private static final int KIND_RESTRICT = 11;
    private static final int KIND_TYPE_TAG = 18;
    /** struct btf_type: name_off, info, size/type. */
    private static final long TYPE_HEADER = 12;
    /** struct btf_member: name_off, type, offset. */
    private static final long MEMBER_SIZE = 12;

    private final MemorySegment btf;

    Btf(MemorySegment btf) {
        this.btf = btf;
    }

    /** The struct called {@code name}, if the BTF has one. */
    public Optional<Struct> struct(String name) {
        int id;
        try (Arena scratch = Arena.ofConfined()) {
            id = Native.btfFindByNameKind(btf, scratch.allocateFrom(name), KIND_STRUCT);
        }
        return id > 0 ? Optional.of(readStruct(id)) : Optional.empty();
    }

    /** The struct behind type {@code typeId} (typedefs and qualifiers skipped), or empty for a scalar. */
    public Optional<Struct> structOf(int typeId) {
        int id = skipModifiers(typeId);
        return kind(type(id)) == KIND_STRUCT ? Optional.of(readStruct(id)) : Optional.empty();
    }

    /** Size in bytes of type {@code typeId}. */
    public long sizeOf(int typeId) {
        long size = Native.btfResolveSize(btf, typeId);
        if (size < 0) {
            throw new BpfException("resolve size of BTF type " + typeId, "object BTF", Errno.of(size));
        }
        return size;
    }

    /**
     * Differences between a Java mirror and the C struct: name, size, and every member's name, offset and
     * size, in order. Empty when they agree.
     */
    public static List<String> compare(GroupLayout mirror, Struct struct) {
        List<String> differences = new ArrayList<>();
        String label = "struct " + struct.name();
        if (!mirror.name().orElse("").equals(struct.name())) {
            differences.add(label + ": Java mirror is named " + mirror.name().orElse("(unnamed)"));
        }
        if (mirror.byteSize() != struct.size()) {
            differences.add(label + ": C size " + struct.size() + ", Java size " + mirror.byteSize());
        }
        List<MemoryLayout> fields = mirror.memberLayouts();
        for (int i = 0; i < Math.max(fields.size(), struct.members().size()); i++) {
            if (i >= fields.size()) {
                differences.add(label + ": C member " + struct.members().get(i).name() + " missing in Java");
                continue;
            }
            MemoryLayout field = fields.get(i);
            String javaName = field.name().orElse("(unnamed)");
            if (i >= struct.members().size()) {
                differences.add(label + ": Java member " + javaName + " missing in C");
                continue;
            }
            Member member = struct.members().get(i);
            long javaOffset = mirror.byteOffset(MemoryLayout.PathElement.groupElement(i));
            if (!javaName.equals(member.name()) || javaOffset != member.offset() || field.byteSize() != member.size()) {
                differences.add(label + ": member " + i + " is " + member.name() + " @" + member.offset() + " size " + member.size()
                        + " in C, " + javaName + " @" + javaOffset + " size " + field.byteSize() + " in Java");
            }
        }
        return differences;
    }

    private Struct readStruct(int id) {
        MemorySegment type = type(id);
        int info = type.get(CTypes.U32, 4);
        int vlen = info & 0xffff;
        boolean bitfieldEncoding = info < 0; // kind_flag, bit 31
        MemorySegment full = Native.view(type, TYPE_HEADER + vlen * MEMBER_SIZE);
        List<Member> members = new ArrayList<>(vlen);
        for (int i = 0; i < vlen; i++) {
            long base = TYPE_HEADER + i * MEMBER_SIZE;
            int memberType = full.get(CTypes.U32, base + 4);
            int offsetBits = full.get(CTypes.U32, base + 8);
            if (bitfieldEncoding) {
                offsetBits &= 0xffffff;
            }
            members.add(new Member(name(full.get(CTypes.U32, base)), offsetBits / 8, sizeOf(memberType)));
        }
        return new Struct(name(type.get(CTypes.U32, 0)), Integer.toUnsignedLong(type.get(CTypes.U32, 8)), members);
    }

    private int skipModifiers(int typeId) {
        int id = typeId;
        for (int depth = 0; depth < 32; depth++) {
            int kind = kind(type(id));
            if (kind != KIND_TYPEDEF && kind != KIND_VOLATILE && kind != KIND_CONST && kind != KIND_RESTRICT && kind != KIND_TYPE_TAG) {
                return id;
            }
            id = type(id).get(CTypes.U32, 8);
        }
        throw new BpfException("resolve BTF type " + typeId, "object BTF", "modifier chain too long");
    }

    private MemorySegment type(int id) {
        MemorySegment type = Native.btfTypeById(btf, id);
        if (type.equals(MemorySegment.NULL)) {
            throw new BpfException("read BTF type " + id, "object BTF", Errno.last());
        }
        return Native.view(type, TYPE_HEADER);
    }

    private static int kind(MemorySegment type) {
        return (type.get(CTypes.U32, 4) >>> 24) & 0x1f;
    }

    private String name(int offset) {
        String name = Native.string(Native.btfNameByOffset(btf, offset));
        return name == null ? "" : name;
    }

    /** True for a BTF integer type (what a scalar key such as {@code __u32} resolves to). */
    public boolean isInt(int typeId) {
        return kind(type(skipModifiers(typeId))) == KIND_INT;
    }
}

