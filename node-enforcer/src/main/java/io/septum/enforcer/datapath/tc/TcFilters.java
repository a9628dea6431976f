package io.septum.enforcer.datapath.tc;

import io.septum.enforcer.datapath.BpfException;
import io.septum.enforcer.datapath.TcAttachment;
import io.septum.enforcer.datapath.libbpf.Errno;
import io.septum.enforcer.datapath.libbpf.LibbpfLog;
import io.septum.enforcer.datapath.libbpf.Native;
import io.septum.enforcer.datapath.libbpf.TcStructs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Septum's tc filters on an interface of the calling thread's network namespace: a clsact qdisc with one
 * direct-action BPF filter per hook, at a fixed handle and priority so that a later attach replaces it in
 * place (an upgrade without a moment unfiltered). Other filters on the interface are left alone.
 */
public final class TcFilters {

    /** Handle and priority of Septum's filters ("5e97" for Septum), on both hooks. */
    public static final int HANDLE = 0x5e97;
    public static final int PRIORITY = 1;

    private static final int BPF_TC_INGRESS = 1;
    private static final int BPF_TC_EGRESS = 2;
    private static final int BPF_TC_F_REPLACE = 1;

    private TcFilters() {
    }

    /** The index of {@code ifname} in the calling thread's namespace. */
    public static int ifindex(String ifname) {
        try (Arena arena = Arena.ofConfined()) {
            int ifindex = Native.ifNameToIndex(arena.allocateFrom(ifname));
            if (ifindex == 0) {
                throw new BpfException("find interface", ifname, Errno.last());
            }
            return ifindex;
        }
    }

    /** Attaches (or replaces) the programs; returns the interface's index. */
    public static int attach(String ifname, int ingressProgramFd, int egressProgramFd) {
        int ifindex = ifindex(ifname);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment hook = hook(arena, ifindex, BPF_TC_INGRESS | BPF_TC_EGRESS);
            Outcome created = Outcome.of(() -> Native.bpfTcHookCreate(hook));
            if (created.failed() && created.errno() != Errno.EEXIST) {
                throw created.exception("create clsact qdisc", describe(ifname, ifindex));
            }
            attachOne(arena, ifname, ifindex, BPF_TC_INGRESS, ingressProgramFd);
            attachOne(arena, ifname, ifindex, BPF_TC_EGRESS, egressProgramFd);
        }
        return ifindex;
    }

    private static void attachOne(Arena arena, String ifname, int ifindex, int attachPoint, int programFd) {
        MemorySegment opts = opts(arena);
        TcStructs.OPTS_PROG_FD.setU32(opts, programFd);
        TcStructs.OPTS_FLAGS.setU32(opts, BPF_TC_F_REPLACE);
        MemorySegment hook = hook(arena, ifindex, attachPoint);
        Outcome attached = Outcome.of(() -> Native.bpfTcAttach(hook, opts));
        if (attached.failed()) {
            throw attached.exception("attach tc " + hookName(attachPoint) + " program", describe(ifname, ifindex));
        }
    }

    /** Removes Septum's filters; an interface that is gone, or has none, is fine. */
    public static void detach(String ifname) {
        int ifindex;
        try {
            ifindex = ifindex(ifname);
        } catch (BpfException e) {
            if (e.errno() == Errno.ENODEV) {
                return;
            }
            throw e;
        }
        try (Arena arena = Arena.ofConfined()) {
            for (int attachPoint : new int[] {BPF_TC_INGRESS, BPF_TC_EGRESS}) {
                MemorySegment hook = hook(arena, ifindex, attachPoint);
                MemorySegment opts = opts(arena);
                Outcome detached = Outcome.of(() -> Native.bpfTcDetach(hook, opts));
                if (detached.failed() && !detached.isAbsent()) {
                    throw detached.exception("detach tc " + hookName(attachPoint) + " program", describe(ifname, ifindex));
                }
            }
        }
    }

    /** Which programs sit at Septum's handle and priority on {@code ifname}. */
    public static TcAttachment query(String ifname) {
        int ifindex = ifindex(ifname);
        try (Arena arena = Arena.ofConfined()) {
            return new TcAttachment(ifindex, queryOne(arena, ifname, ifindex, BPF_TC_INGRESS),
                    queryOne(arena, ifname, ifindex, BPF_TC_EGRESS));
        }
    }

    private static int queryOne(Arena arena, String ifname, int ifindex, int attachPoint) {
        MemorySegment hook = hook(arena, ifindex, attachPoint);
        MemorySegment opts = opts(arena);
        Outcome queried = Outcome.of(() -> Native.bpfTcQuery(hook, opts));
        if (queried.isAbsent()) {
            return 0;
        }
        if (queried.failed()) {
            throw queried.exception("query tc " + hookName(attachPoint) + " program", describe(ifname, ifindex));
        }
        return TcStructs.OPTS_PROG_ID.u32(opts);
    }

    private static MemorySegment hook(Arena arena, int ifindex, int attachPoint) {
        MemorySegment hook = arena.allocate(TcStructs.HOOK);
        TcStructs.HOOK_SZ.setU64(hook, TcStructs.HOOK.byteSize());
        TcStructs.HOOK_IFINDEX.setU32(hook, ifindex);
        TcStructs.HOOK_ATTACH_POINT.setU32(hook, attachPoint);
        return hook;
    }

    /** Options naming Septum's filter: handle and priority set, everything else 0 as libbpf requires. */
    private static MemorySegment opts(Arena arena) {
        MemorySegment opts = arena.allocate(TcStructs.OPTS);
        TcStructs.OPTS_SZ.setU64(opts, TcStructs.OPTS.byteSize());
        TcStructs.OPTS_HANDLE.setU32(opts, HANDLE);
        TcStructs.OPTS_PRIORITY.setU32(opts, PRIORITY);
        return opts;
    }

    /**
     * A libbpf tc call's result. libbpf logs the kernel's extack message of every failed netlink request as a
     * warning, including the expected ones (EEXIST for an existing qdisc, ENOENT for a filter that is not
     * there), so the messages are held back and only put into the exception of an unexpected failure.
     */
    private record Outcome(int errno, List<String> libbpfLines) {

        static Outcome of(IntSupplier call) {
            var result = LibbpfLog.quietly(call::getAsInt);
            return new Outcome(result.value() < 0 ? Errno.of(result.value()) : 0, result.lines());
        }

        boolean failed() {
            return errno != 0;
        }

        /** No such filter (ENOENT), or no clsact qdisc at all (EINVAL). */
        boolean isAbsent() {
            return errno == Errno.ENOENT || errno == Errno.EINVAL;
        }

        BpfException exception(String operation, String object) {
            return new BpfException(operation, object, errno, LibbpfLog.appendix(libbpfLines));
        }
    }

    private static String hookName(int attachPoint) {
        return attachPoint == BPF_TC_INGRESS ? "ingress" : "egress";
    }

    private static String describe(String ifname, int ifindex) {
        return "interface " + ifname + ", ifindex " + ifindex;
    }
}
