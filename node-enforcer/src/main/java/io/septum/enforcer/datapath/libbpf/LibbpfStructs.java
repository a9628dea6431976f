package io.septum.enforcer.datapath.libbpf;

import static io.septum.enforcer.datapath.libbpf.CTypes.SIZE_T;
import static io.septum.enforcer.datapath.libbpf.CTypes.U32;
import static io.septum.enforcer.datapath.libbpf.CTypes.U64;
import static io.septum.enforcer.datapath.libbpf.CTypes.pad;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * libbpf 1.1.2 and UAPI option structs, laid out as {@code offsetof} reports for x86-64 (checked with a C
 * program against the installed headers). libbpf rejects a {@code sz} field that is not the struct size.
 */
final class LibbpfStructs {

    /** struct bpf_object_open_opts (libbpf.h), 80 bytes. */
    static final StructLayout OBJECT_OPEN_OPTS = MemoryLayout.structLayout(
            SIZE_T.withName("sz"),
            ADDRESS.withName("object_name"),
            JAVA_BOOLEAN.withName("relaxed_maps"),
            pad("pad0", 7),
            ADDRESS.withName("pin_root_path"),
            U32.withName("unused_attach_prog_fd"),
            pad("pad1", 4),
            ADDRESS.withName("kconfig"),
            ADDRESS.withName("btf_custom_path"),
            ADDRESS.withName("kernel_log_buf"),
            SIZE_T.withName("kernel_log_size"),
            U32.withName("kernel_log_level"),
            pad("pad2", 4));

    /** struct bpf_map_batch_opts (bpf.h), 24 bytes. */
    static final StructLayout MAP_BATCH_OPTS = MemoryLayout.structLayout(
            SIZE_T.withName("sz"),
            U64.withName("elem_flags"),
            U64.withName("flags"));

    /** The leading fields of struct bpf_map_info (linux/bpf.h); the kernel fills as much as it is given. */
    static final StructLayout MAP_INFO = MemoryLayout.structLayout(
            U32.withName("type"),
            U32.withName("id"),
            U32.withName("key_size"),
            U32.withName("value_size"),
            U32.withName("max_entries"),
            U32.withName("map_flags"));

    /** The leading fields of struct bpf_prog_info (linux/bpf.h). */
    static final StructLayout PROG_INFO = MemoryLayout.structLayout(
            U32.withName("type"),
            U32.withName("id"));

    /** struct bpf_test_run_opts (bpf.h), 80 bytes. */
    static final StructLayout TEST_RUN_OPTS = MemoryLayout.structLayout(
            SIZE_T.withName("sz"),
            ADDRESS.withName("data_in"),
            ADDRESS.withName("data_out"),
            U32.withName("data_size_in"),
            U32.withName("data_size_out"),
            ADDRESS.withName("ctx_in"),
            ADDRESS.withName("ctx_out"),
            U32.withName("ctx_size_in"),
            U32.withName("ctx_size_out"),
            U32.withName("retval"),
            JAVA_INT.withName("repeat"),
            U32.withName("duration"),
            U32.withName("flags"),
            U32.withName("cpu"),
            U32.withName("batch_size"));

    /** struct timespec (time.h). */
    static final StructLayout TIMESPEC = MemoryLayout.structLayout(
            U64.withName("tv_sec"),
            U64.withName("tv_nsec"));

    private LibbpfStructs() {
    }
}
