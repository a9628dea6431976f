package io.septum.enforcer.datapath.libbpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every native function the datapath calls (libbpf 1.1 and libc), bound by hand through the FFM API.
 *
 * <p>This class is the one place where downcall handles are made, and {@link #DOWNCALLS} / {@link #UPCALLS}
 * list every descriptor, so that a native-image build can register them all (a GraalVM {@code Feature}
 * iterating these lists). Each downcall captures {@code errno} into the calling thread's
 * {@link Errno#state() state segment}; read it with {@link Errno#last()} only after a call failed.
 *
 * <p>The wrappers return the raw C result; deciding what is a failure, and naming it, is the caller's job.
 * libbpf's int functions return {@code -errno}; its pointer functions return NULL and set errno; libc
 * returns -1 and sets errno.
 */
public final class Native {

    /** A bound function: which library and symbol, its C signature and the linker options it was bound with. */
    public record Downcall(String library, String symbol, FunctionDescriptor descriptor, List<Linker.Option> options) {
    }

    public static final String LIBBPF = "libbpf.so.1";
    public static final String LIBC = "libc";

    private static final Linker LINKER = Linker.nativeLinker();
    @SuppressWarnings("restricted") // loading a native library: the process runs with native access enabled
    private static final SymbolLookup LIBBPF_LOOKUP = SymbolLookup.libraryLookup(LIBBPF, Arena.global());
    private static final SymbolLookup LIBC_LOOKUP = LINKER.defaultLookup();
    private static final List<Downcall> DOWNCALL_LIST = new ArrayList<>();

    /** {@code int (*ring_buffer_sample_fn)(void *ctx, void *data, size_t size)} */
    public static final FunctionDescriptor RING_BUFFER_SAMPLE_FN = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG);
    /** {@code int (*libbpf_print_fn_t)(enum libbpf_print_level, const char *fmt, va_list ap)}; va_list is a pointer on x86-64. */
    public static final FunctionDescriptor LIBBPF_PRINT_FN = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);

    // ---- libbpf: objects, maps, programs ----
    private static final MethodHandle BPF_OBJECT__OPEN_MEM = libbpf("bpf_object__open_mem", ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
    private static final MethodHandle BPF_OBJECT__LOAD = libbpf("bpf_object__load", JAVA_INT, ADDRESS);
    private static final MethodHandle BPF_OBJECT__CLOSE = libbpfVoid("bpf_object__close", ADDRESS);
    private static final MethodHandle BPF_OBJECT__NEXT_MAP = libbpf("bpf_object__next_map", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle BPF_OBJECT__FIND_PROGRAM_BY_NAME = libbpf("bpf_object__find_program_by_name", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle BPF_OBJECT__BTF = libbpf("bpf_object__btf", ADDRESS, ADDRESS);
    private static final MethodHandle BPF_MAP__NAME = libbpf("bpf_map__name", ADDRESS, ADDRESS);
    private static final MethodHandle BPF_MAP__TYPE = libbpf("bpf_map__type", JAVA_INT, ADDRESS);
    private static final MethodHandle BPF_MAP__KEY_SIZE = libbpf("bpf_map__key_size", JAVA_INT, ADDRESS);
    private static final MethodHandle BPF_MAP__VALUE_SIZE = libbpf("bpf_map__value_size", JAVA_INT, ADDRESS);
    private static final MethodHandle BPF_MAP__MAX_ENTRIES = libbpf("bpf_map__max_entries", JAVA_INT, ADDRESS);
    private static final MethodHandle BPF_MAP__SET_MAX_ENTRIES = libbpf("bpf_map__set_max_entries", JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle BPF_MAP__MAP_FLAGS = libbpf("bpf_map__map_flags", JAVA_INT, ADDRESS);
    private static final MethodHandle BPF_MAP__FD = libbpf("bpf_map__fd", JAVA_INT, ADDRESS);
    private static final MethodHandle BPF_MAP__PIN_PATH = libbpf("bpf_map__pin_path", ADDRESS, ADDRESS);
    private static final MethodHandle BPF_MAP__BTF_KEY_TYPE_ID = libbpf("bpf_map__btf_key_type_id", JAVA_INT, ADDRESS);
    private static final MethodHandle BPF_MAP__BTF_VALUE_TYPE_ID = libbpf("bpf_map__btf_value_type_id", JAVA_INT, ADDRESS);
    private static final MethodHandle BPF_PROGRAM__FD = libbpf("bpf_program__fd", JAVA_INT, ADDRESS);

    // ---- libbpf: bpf(2) wrappers ----
    private static final MethodHandle BPF_OBJ_GET = libbpf("bpf_obj_get", JAVA_INT, ADDRESS);
    private static final MethodHandle BPF_OBJ_GET_INFO_BY_FD = libbpf("bpf_obj_get_info_by_fd", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle BPF_MAP_UPDATE_ELEM = libbpf("bpf_map_update_elem", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG);
    private static final MethodHandle BPF_MAP_LOOKUP_ELEM = libbpf("bpf_map_lookup_elem", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle BPF_MAP_DELETE_ELEM = libbpf("bpf_map_delete_elem", JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle BPF_MAP_GET_NEXT_KEY = libbpf("bpf_map_get_next_key", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle BPF_MAP_UPDATE_BATCH = libbpf("bpf_map_update_batch", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle BPF_MAP_DELETE_BATCH = libbpf("bpf_map_delete_batch", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle BPF_PROG_TEST_RUN_OPTS = libbpf("bpf_prog_test_run_opts", JAVA_INT, JAVA_INT, ADDRESS);

    // ---- libbpf: tc ----
    private static final MethodHandle BPF_TC_HOOK_CREATE = libbpf("bpf_tc_hook_create", JAVA_INT, ADDRESS);
    private static final MethodHandle BPF_TC_ATTACH = libbpf("bpf_tc_attach", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle BPF_TC_DETACH = libbpf("bpf_tc_detach", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle BPF_TC_QUERY = libbpf("bpf_tc_query", JAVA_INT, ADDRESS, ADDRESS);

    // ---- libbpf: ring buffer ----
    private static final MethodHandle RING_BUFFER__NEW = libbpf("ring_buffer__new", ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle RING_BUFFER__POLL = libbpf("ring_buffer__poll", JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle RING_BUFFER__CONSUME = libbpf("ring_buffer__consume", JAVA_INT, ADDRESS);
    private static final MethodHandle RING_BUFFER__FREE = libbpfVoid("ring_buffer__free", ADDRESS);

    // ---- libbpf: BTF and misc ----
    private static final MethodHandle BTF__FIND_BY_NAME_KIND = libbpf("btf__find_by_name_kind", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    private static final MethodHandle BTF__TYPE_BY_ID = libbpf("btf__type_by_id", ADDRESS, ADDRESS, JAVA_INT);
    private static final MethodHandle BTF__NAME_BY_OFFSET = libbpf("btf__name_by_offset", ADDRESS, ADDRESS, JAVA_INT);
    private static final MethodHandle BTF__RESOLVE_SIZE = libbpf("btf__resolve_size", JAVA_LONG, ADDRESS, JAVA_INT);
    private static final MethodHandle LIBBPF_NUM_POSSIBLE_CPUS = libbpf("libbpf_num_possible_cpus", JAVA_INT);
    private static final MethodHandle LIBBPF_SET_PRINT = libbpf("libbpf_set_print", ADDRESS, ADDRESS);
    private static final MethodHandle LIBBPF_STRERROR = libbpf("libbpf_strerror", JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG);

    // ---- libc ----
    private static final MethodHandle OPEN = downcall(LIBC, "open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = libc("close", JAVA_INT, JAVA_INT);
    private static final MethodHandle SETNS = libc("setns", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle IF_NAMETOINDEX = libc("if_nametoindex", JAVA_INT, ADDRESS);
    private static final MethodHandle CLOCK_GETTIME = libc("clock_gettime", JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle STRERRORNAME_NP = libc("strerrorname_np", ADDRESS, JAVA_INT);
    private static final MethodHandle STRERRORDESC_NP = libc("strerrordesc_np", ADDRESS, JAVA_INT);
    private static final MethodHandle VSNPRINTF = libc("vsnprintf", JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS);

    /** Every downcall bound above. */
    public static final List<Downcall> DOWNCALLS = Collections.unmodifiableList(DOWNCALL_LIST);
    /** Every upcall signature the datapath creates stubs for. */
    public static final List<FunctionDescriptor> UPCALLS = List.of(RING_BUFFER_SAMPLE_FN, LIBBPF_PRINT_FN);

    public static final int O_RDONLY = 0;
    public static final int O_CLOEXEC = 0x80000;
    public static final int CLONE_NEWNET = 0x40000000;
    public static final int CLOCK_MONOTONIC = 1;

    private Native() {
    }

    public static MemorySegment bpfObjectOpenMem(MemorySegment elf, long size, MemorySegment opts) {
        try {
            return (MemorySegment) BPF_OBJECT__OPEN_MEM.invokeExact(Errno.state(), elf, size, opts);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfObjectLoad(MemorySegment object) {
        try {
            return (int) BPF_OBJECT__LOAD.invokeExact(Errno.state(), object);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static void bpfObjectClose(MemorySegment object) {
        try {
            BPF_OBJECT__CLOSE.invokeExact(Errno.state(), object);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static MemorySegment bpfObjectNextMap(MemorySegment object, MemorySegment previous) {
        try {
            return (MemorySegment) BPF_OBJECT__NEXT_MAP.invokeExact(Errno.state(), object, previous);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static MemorySegment bpfObjectFindProgramByName(MemorySegment object, MemorySegment name) {
        try {
            return (MemorySegment) BPF_OBJECT__FIND_PROGRAM_BY_NAME.invokeExact(Errno.state(), object, name);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static MemorySegment bpfObjectBtf(MemorySegment object) {
        try {
            return (MemorySegment) BPF_OBJECT__BTF.invokeExact(Errno.state(), object);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static MemorySegment bpfMapName(MemorySegment map) {
        try {
            return (MemorySegment) BPF_MAP__NAME.invokeExact(Errno.state(), map);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfMapType(MemorySegment map) {
        try {
            return (int) BPF_MAP__TYPE.invokeExact(Errno.state(), map);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfMapKeySize(MemorySegment map) {
        try {
            return (int) BPF_MAP__KEY_SIZE.invokeExact(Errno.state(), map);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfMapValueSize(MemorySegment map) {
        try {
            return (int) BPF_MAP__VALUE_SIZE.invokeExact(Errno.state(), map);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfMapMaxEntries(MemorySegment map) {
        try {
            return (int) BPF_MAP__MAX_ENTRIES.invokeExact(Errno.state(), map);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfMapSetMaxEntries(MemorySegment map, int maxEntries) {
        try {
            return (int) BPF_MAP__SET_MAX_ENTRIES.invokeExact(Errno.state(), map, maxEntries);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfMapMapFlags(MemorySegment map) {
        try {
            return (int) BPF_MAP__MAP_FLAGS.invokeExact(Errno.state(), map);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfMapFd(MemorySegment map) {
        try {
            return (int) BPF_MAP__FD.invokeExact(Errno.state(), map);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static MemorySegment bpfMapPinPath(MemorySegment map) {
        try {
            return (MemorySegment) BPF_MAP__PIN_PATH.invokeExact(Errno.state(), map);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfMapBtfKeyTypeId(MemorySegment map) {
        try {
            return (int) BPF_MAP__BTF_KEY_TYPE_ID.invokeExact(Errno.state(), map);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfMapBtfValueTypeId(MemorySegment map) {
        try {
            return (int) BPF_MAP__BTF_VALUE_TYPE_ID.invokeExact(Errno.state(), map);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfProgramFd(MemorySegment program) {
        try {
            return (int) BPF_PROGRAM__FD.invokeExact(Errno.state(), program);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfObjGet(MemorySegment path) {
        try {
            return (int) BPF_OBJ_GET.invokeExact(Errno.state(), path);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfObjGetInfoByFd(int fd, MemorySegment info, MemorySegment infoLength) {
        try {
            return (int) BPF_OBJ_GET_INFO_BY_FD.invokeExact(Errno.state(), fd, info, infoLength);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfMapUpdateElem(int fd, MemorySegment key, MemorySegment value, long flags) {
        try {
            return (int) BPF_MAP_UPDATE_ELEM.invokeExact(Errno.state(), fd, key, value, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfMapLookupElem(int fd, MemorySegment key, MemorySegment value) {
        try {
            return (int) BPF_MAP_LOOKUP_ELEM.invokeExact(Errno.state(), fd, key, value);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfMapDeleteElem(int fd, MemorySegment key) {
        try {
            return (int) BPF_MAP_DELETE_ELEM.invokeExact(Errno.state(), fd, key);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfMapGetNextKey(int fd, MemorySegment key, MemorySegment nextKey) {
        try {
            return (int) BPF_MAP_GET_NEXT_KEY.invokeExact(Errno.state(), fd, key, nextKey);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfMapUpdateBatch(int fd, MemorySegment keys, MemorySegment values, MemorySegment count, MemorySegment opts) {
        try {
            return (int) BPF_MAP_UPDATE_BATCH.invokeExact(Errno.state(), fd, keys, values, count, opts);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfMapDeleteBatch(int fd, MemorySegment keys, MemorySegment count, MemorySegment opts) {
        try {
            return (int) BPF_MAP_DELETE_BATCH.invokeExact(Errno.state(), fd, keys, count, opts);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfProgTestRunOpts(int programFd, MemorySegment opts) {
        try {
            return (int) BPF_PROG_TEST_RUN_OPTS.invokeExact(Errno.state(), programFd, opts);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfTcHookCreate(MemorySegment hook) {
        try {
            return (int) BPF_TC_HOOK_CREATE.invokeExact(Errno.state(), hook);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfTcAttach(MemorySegment hook, MemorySegment opts) {
        try {
            return (int) BPF_TC_ATTACH.invokeExact(Errno.state(), hook, opts);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfTcDetach(MemorySegment hook, MemorySegment opts) {
        try {
            return (int) BPF_TC_DETACH.invokeExact(Errno.state(), hook, opts);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bpfTcQuery(MemorySegment hook, MemorySegment opts) {
        try {
            return (int) BPF_TC_QUERY.invokeExact(Errno.state(), hook, opts);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static MemorySegment ringBufferNew(int mapFd, MemorySegment sampleCallback, MemorySegment context, MemorySegment opts) {
        try {
            return (MemorySegment) RING_BUFFER__NEW.invokeExact(Errno.state(), mapFd, sampleCallback, context, opts);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int ringBufferPoll(MemorySegment ringBuffer, int timeoutMillis) {
        try {
            return (int) RING_BUFFER__POLL.invokeExact(Errno.state(), ringBuffer, timeoutMillis);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int ringBufferConsume(MemorySegment ringBuffer) {
        try {
            return (int) RING_BUFFER__CONSUME.invokeExact(Errno.state(), ringBuffer);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static void ringBufferFree(MemorySegment ringBuffer) {
        try {
            RING_BUFFER__FREE.invokeExact(Errno.state(), ringBuffer);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int btfFindByNameKind(MemorySegment btf, MemorySegment name, int kind) {
        try {
            return (int) BTF__FIND_BY_NAME_KIND.invokeExact(Errno.state(), btf, name, kind);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static MemorySegment btfTypeById(MemorySegment btf, int typeId) {
        try {
            return (MemorySegment) BTF__TYPE_BY_ID.invokeExact(Errno.state(), btf, typeId);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static MemorySegment btfNameByOffset(MemorySegment btf, int offset) {
        try {
            return (MemorySegment) BTF__NAME_BY_OFFSET.invokeExact(Errno.state(), btf, offset);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long btfResolveSize(MemorySegment btf, int typeId) {
        try {
            return (long) BTF__RESOLVE_SIZE.invokeExact(Errno.state(), btf, typeId);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int libbpfNumPossibleCpus() {
        try {
            return (int) LIBBPF_NUM_POSSIBLE_CPUS.invokeExact(Errno.state());
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static MemorySegment libbpfSetPrint(MemorySegment printFunction) {
        try {
            return (MemorySegment) LIBBPF_SET_PRINT.invokeExact(Errno.state(), printFunction);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int libbpfStrerror(int error, MemorySegment buffer, long size) {
        try {
            return (int) LIBBPF_STRERROR.invokeExact(Errno.state(), error, buffer, size);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int open(MemorySegment path, int flags) {
        try {
            return (int) OPEN.invokeExact(Errno.state(), path, flags, 0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int close(int fd) {
        try {
            return (int) CLOSE.invokeExact(Errno.state(), fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int setns(int fd, int namespaceType) {
        try {
            return (int) SETNS.invokeExact(Errno.state(), fd, namespaceType);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int ifNameToIndex(MemorySegment name) {
        try {
            return (int) IF_NAMETOINDEX.invokeExact(Errno.state(), name);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int clockGettime(int clock, MemorySegment timespec) {
        try {
            return (int) CLOCK_GETTIME.invokeExact(Errno.state(), clock, timespec);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static MemorySegment strerrornameNp(int errno) {
        try {
            return (MemorySegment) STRERRORNAME_NP.invokeExact(Errno.state(), errno);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static MemorySegment strerrordescNp(int errno) {
        try {
            return (MemorySegment) STRERRORDESC_NP.invokeExact(Errno.state(), errno);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int vsnprintf(MemorySegment buffer, long size, MemorySegment format, MemorySegment vaList) {
        try {
            return (int) VSNPRINTF.invokeExact(Errno.state(), buffer, size, format, vaList);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Creates an upcall stub for one of the {@link #UPCALLS} signatures. */
    @SuppressWarnings("restricted")
    public static MemorySegment upcallStub(MethodHandle target, FunctionDescriptor descriptor, Arena arena) {
        if (!UPCALLS.contains(descriptor)) {
            throw new IllegalArgumentException("not a registered upcall signature: " + descriptor);
        }
        return LINKER.upcallStub(target, descriptor, arena);
    }

    /**
     * Native memory a C function handed out (its size unknown to the FFM API) as a segment of {@code size}
     * bytes. The one place where such memory is trusted: callers state the size the C API guarantees.
     */
    @SuppressWarnings("restricted")
    public static MemorySegment view(MemorySegment address, long size) {
        return address.reinterpret(size);
    }

    /** A C string (NUL-terminated, unbounded) at {@code address}; NULL gives null. */
    public static String string(MemorySegment address) {
        return address.equals(MemorySegment.NULL) ? null : view(address, Long.MAX_VALUE).getString(0);
    }

    private static MethodHandle libbpf(String symbol, MemoryLayout result, MemoryLayout... arguments) {
        return downcall(LIBBPF, symbol, FunctionDescriptor.of(result, arguments));
    }

    private static MethodHandle libbpfVoid(String symbol, MemoryLayout... arguments) {
        return downcall(LIBBPF, symbol, FunctionDescriptor.ofVoid(arguments));
    }

    private static MethodHandle libc(String symbol, MemoryLayout result, MemoryLayout... arguments) {
        return downcall(LIBC, symbol, FunctionDescriptor.of(result, arguments));
    }

    @SuppressWarnings("restricted")
    private static MethodHandle downcall(String library, String symbol, FunctionDescriptor descriptor, Linker.Option... extra) {
        SymbolLookup lookup = library.equals(LIBBPF) ? LIBBPF_LOOKUP : LIBC_LOOKUP;
        MemorySegment address = lookup.find(symbol)
                .orElseThrow(() -> new UnsatisfiedLinkError("symbol " + symbol + " not found in " + library));
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = Errno.CAPTURE;
        System.arraycopy(extra, 0, options, 1, extra.length);
        DOWNCALL_LIST.add(new Downcall(library, symbol, descriptor, List.of(options)));
        return LINKER.downcallHandle(address, descriptor, options);
    }

    /**
     * invokeExact declares Throwable, but a downcall only throws what Java itself raises (a wrong descriptor,
     * a closed arena): rethrown as is; anything checked would be a bug, wrapped.
     */
    private static AssertionError unexpected(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new AssertionError("native call failed unexpectedly", t);
    }
}
