package io.septum.enforcer.datapath.libbpf;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * errno as captured by the FFM linker. Each thread has its own capture segment, passed to every downcall
 * by {@link Native}; it holds the errno of the thread's last native call and is only meaningful right after
 * a call that reported failure.
 */
public final class Errno {

    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int E2BIG = 7;
    public static final int EINVAL = 22;
    public static final int ENODEV = 19;
    public static final int EEXIST = 17;
    public static final int EOPNOTSUPP = 95;
    /** The kernel's internal "operation not supported" (not in libc's errno list). */
    public static final int ENOTSUPP = 524;
    /** libbpf's own error codes start here (enum libbpf_errno). */
    private static final int LIBBPF_ERRNO_START = 4000;
    private static final int LIBBPF_ERRNO_END = 4100;

    static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
    private static final StructLayout STATE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(STATE_LAYOUT));

    private Errno() {
    }

    /** The calling thread's capture segment. */
    static MemorySegment state() {
        return STATE.get();
    }

    /** errno of the calling thread's last native call through {@link Native}. */
    public static int last() {
        return (int) ERRNO.get(STATE.get(), 0L);
    }

    /**
     * The error of a failed libbpf call that returned {@code result} (a negative errno by convention):
     * the captured errno, or {@code -result} if errno was not set.
     */
    public static int of(long result) {
        int captured = last();
        if (captured != 0) {
            return captured;
        }
        return result < 0 && result >= Integer.MIN_VALUE + 1 ? (int) -result : 0;
    }

    /** "ENOENT (No such file or directory)", also for libbpf's own codes. */
    public static String describe(int errno) {
        if (errno >= LIBBPF_ERRNO_START && errno < LIBBPF_ERRNO_END) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buffer = arena.allocate(256);
                Native.libbpfStrerror(errno, buffer, buffer.byteSize());
                return "libbpf error " + errno + " (" + buffer.getString(0) + ")";
            }
        }
        if (errno == ENOTSUPP) {
            return "ENOTSUPP (Operation not supported by the kernel for this object)";
        }
        String name = Native.string(Native.strerrornameNp(errno));
        String description = Native.string(Native.strerrordescNp(errno));
        return (name != null ? name : "errno " + errno) + " (" + (description != null ? description : "unknown error") + ")";
    }
}
