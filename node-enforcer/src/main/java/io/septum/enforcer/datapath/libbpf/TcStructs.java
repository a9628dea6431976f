package io.septum.enforcer.datapath.libbpf;

import static io.septum.enforcer.datapath.libbpf.CTypes.SIZE_T;
import static io.septum.enforcer.datapath.libbpf.CTypes.U32;
import static io.septum.enforcer.datapath.libbpf.CTypes.pad;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/** libbpf 1.1.2's tc structs (libbpf.h), as {@code offsetof} reports for x86-64; {@code sz} must be the struct size. */
public final class TcStructs {

    /** struct bpf_tc_hook, 24 bytes. */
    public static final StructLayout HOOK = MemoryLayout.structLayout(
            SIZE_T.withName("sz"),
            JAVA_INT.withName("ifindex"),
            U32.withName("attach_point"),
            U32.withName("parent"),
            pad("pad", 4));

    /** struct bpf_tc_opts, 32 bytes. */
    public static final StructLayout OPTS = MemoryLayout.structLayout(
            SIZE_T.withName("sz"),
            JAVA_INT.withName("prog_fd"),
            U32.withName("flags"),
            U32.withName("prog_id"),
            U32.withName("handle"),
            U32.withName("priority"),
            pad("pad", 4));

    public static final StructField HOOK_SZ = StructField.of(HOOK, "sz");
    public static final StructField HOOK_IFINDEX = StructField.of(HOOK, "ifindex");
    public static final StructField HOOK_ATTACH_POINT = StructField.of(HOOK, "attach_point");
    public static final StructField OPTS_SZ = StructField.of(OPTS, "sz");
    public static final StructField OPTS_PROG_FD = StructField.of(OPTS, "prog_fd");
    public static final StructField OPTS_FLAGS = StructField.of(OPTS, "flags");
    public static final StructField OPTS_PROG_ID = StructField.of(OPTS, "prog_id");
    public static final StructField OPTS_HANDLE = StructField.of(OPTS, "handle");
    public static final StructField OPTS_PRIORITY = StructField.of(OPTS, "priority");

    private TcStructs() {
    }
}
