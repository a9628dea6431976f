package io.septum.enforcer.datapath.libbpf;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;

import io.septum.enforcer.datapath.BpfException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * BPF_PROG_TEST_RUN for tc programs: the kernel runs a loaded program once on a crafted frame, with its maps
 * and helpers for real, and reports the program's return value. The frame appears to arrive on
 * {@code ifindex} of the calling thread's network namespace.
 */
public final class ProgramTestRun {

    /** sizeof(struct __sk_buff) and offsetof(struct __sk_buff, ifindex) in linux/bpf.h. */
    private static final int SK_BUFF_SIZE = 192;
    private static final int SK_BUFF_IFINDEX = 40;
    private static final int ETH_HLEN = 14;

    private ProgramTestRun() {
    }

    /** Runs the program on {@code frame} (Ethernet header first) and returns its tc action (TC_ACT_*). */
    public static int run(int programFd, byte[] frame, int ifindex) {
        return run(programFd, frame, ifindex, 1);
    }

    /** Runs the program {@code repeat} times in the kernel on {@code frame}; returns the last run's tc action. */
    public static int run(int programFd, byte[] frame, int ifindex, int repeat) {
        if (frame.length < ETH_HLEN) {
            throw new IllegalArgumentException("a tc program needs at least an Ethernet header, got " + frame.length + " bytes");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(frame.length);
            data.copyFrom(MemorySegment.ofArray(frame));
            MemorySegment context = arena.allocate(SK_BUFF_SIZE, 8);
            context.set(CTypes.U32, SK_BUFF_IFINDEX, ifindex);

            MemorySegment opts = arena.allocate(LibbpfStructs.TEST_RUN_OPTS);
            opts.set(CTypes.SIZE_T, offset("sz"), LibbpfStructs.TEST_RUN_OPTS.byteSize());
            opts.set(ADDRESS, offset("data_in"), data);
            opts.set(CTypes.U32, offset("data_size_in"), frame.length);
            opts.set(ADDRESS, offset("ctx_in"), context);
            opts.set(CTypes.U32, offset("ctx_size_in"), SK_BUFF_SIZE);
            opts.set(CTypes.U32, offset("repeat"), repeat);
            int rc = Native.bpfProgTestRunOpts(programFd, opts);
            if (rc < 0) {
                throw new BpfException("test-run program", "fd " + programFd + ", ifindex " + ifindex, Errno.of(rc));
            }
            return opts.get(CTypes.U32, offset("retval"));
        }
    }

    private static long offset(String field) {
        return LibbpfStructs.TEST_RUN_OPTS.byteOffset(groupElement(field));
    }
}
