package io.septum.enforcer.datapath.libbpf;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import io.septum.enforcer.datapath.BpfException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.BooleanSupplier;

/**
 * A live BPF map, addressed by file descriptor, with its entries as raw memory. Typed access is built on top
 * (io.septum.enforcer.datapath.maps); this class only knows sizes, the bpf(2) map commands and their errors.
 *
 * <p>Absent keys are ordinary results ({@code false}); every other failure is a {@link BpfException}.
 * Thread-safe: the kernel serializes what needs it.
 */
public final class BpfMap {

    /** enum bpf_map_type values the datapath uses. */
    public static final int TYPE_HASH = 1;
    public static final int TYPE_ARRAY = 2;
    public static final int TYPE_PERCPU_ARRAY = 6;
    public static final int TYPE_LRU_HASH = 9;
    public static final int TYPE_LPM_TRIE = 11;
    public static final int TYPE_RINGBUF = 27;

    /** Update flags. */
    public static final long BPF_ANY = 0;
    public static final long BPF_NOEXIST = 1;
    public static final long BPF_EXIST = 2;

    private static final int BATCH_MAX = 4096;

    private final String name;
    private final int fd;
    private final String where;
    private final int type;
    private final int keySize;
    private final int valueSize;
    private final int maxEntries;
    private final BooleanSupplier open;
    private volatile boolean batchUnsupported;

    BpfMap(String name, int fd, String where, int type, int keySize, int valueSize, int maxEntries, BooleanSupplier open) {
        this.name = name;
        this.fd = fd;
        this.where = where;
        this.type = type;
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.maxEntries = maxEntries;
        this.open = open;
    }

    public String name() {
        return name;
    }

    /** The map's file descriptor, owned by its BPF object: do not close it. */
    public int fd() {
        return fd;
    }

    /** "pin /sys/fs/bpf/…/name", or "fd N" for an unpinned map; used in error messages. */
    public String where() {
        return where;
    }

    public int type() {
        return type;
    }

    public int keySize() {
        return keySize;
    }

    public int valueSize() {
        return valueSize;
    }

    public int maxEntries() {
        return maxEntries;
    }

    public boolean isPerCpu() {
        return type == TYPE_PERCPU_ARRAY;
    }

    /** Bytes one lookup or update transfers: per-CPU maps hold a value, rounded up to 8 bytes, per possible CPU. */
    public long valueBufferSize() {
        return isPerCpu() ? perCpuStride() * PossibleCpus.count() : valueSize;
    }

    /** Distance between consecutive CPUs' values in a per-CPU value buffer. */
    public long perCpuStride() {
        return (valueSize + 7L) & ~7L;
    }

    /** Sums the {@code __u64} at {@code offset} of every CPU's value in a per-CPU value buffer. */
    public long sumPerCpu(MemorySegment buffer, long offset) {
        long sum = 0;
        for (long cpu = 0; cpu < PossibleCpus.count(); cpu++) {
            sum += buffer.get(CTypes.U64, cpu * perCpuStride() + offset);
        }
        return sum;
    }

    public void update(MemorySegment key, MemorySegment value, long flags) {
        ensureOpen();
        int rc = Native.bpfMapUpdateElem(fd, key, value, flags);
        if (rc < 0) {
            throw new BpfException("update map " + name, where, Errno.of(rc));
        }
    }

    /** Copies the value of {@code key} into {@code value}; false if the key is absent. */
    public boolean lookup(MemorySegment key, MemorySegment value) {
        ensureOpen();
        int rc = Native.bpfMapLookupElem(fd, key, value);
        if (rc < 0) {
            int errno = Errno.of(rc);
            if (errno == Errno.ENOENT) {
                return false;
            }
            throw new BpfException("look up in map " + name, where, errno);
        }
        return true;
    }

    /** Deletes {@code key}; false if it was absent. */
    public boolean delete(MemorySegment key) {
        ensureOpen();
        int rc = Native.bpfMapDeleteElem(fd, key);
        if (rc < 0) {
            int errno = Errno.of(rc);
            if (errno == Errno.ENOENT) {
                return false;
            }
            throw new BpfException("delete from map " + name, where, errno);
        }
        return true;
    }

    /**
     * Writes the key after {@code key} into {@code next} (the first key if {@code key} is NULL); false when
     * there is none. A {@code key} that is no longer in the map makes most map types start over.
     */
    public boolean nextKey(MemorySegment key, MemorySegment next) {
        ensureOpen();
        int rc = Native.bpfMapGetNextKey(fd, key, next);
        if (rc < 0) {
            int errno = Errno.of(rc);
            if (errno == Errno.ENOENT) {
                return false;
            }
            throw new BpfException("iterate map " + name, where, errno);
        }
        return true;
    }

    /**
     * Writes {@code count} consecutive key/value pairs, with the kernel's batch command where the map type
     * has one, else one by one. Not atomic: on failure the entries before the failing one are written, and
     * the exception says how many.
     */
    public void updateBatch(MemorySegment keys, MemorySegment values, int count) {
        ensureOpen();
        int done = 0;
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment opts = batchOpts(scratch);
            MemorySegment counter = scratch.allocate(CTypes.U32);
            while (done < count && !batchUnsupported) {
                int chunk = Math.min(BATCH_MAX, count - done);
                counter.set(CTypes.U32, 0, chunk);
                int rc = Native.bpfMapUpdateBatch(fd, keys.asSlice((long) done * keySize),
                        values.asSlice((long) done * valueSize), counter, opts);
                int errno = rc < 0 ? Errno.of(rc) : 0;
                if (errno == Errno.ENOTSUPP || errno == Errno.EOPNOTSUPP) {
                    batchUnsupported = true;
                    break;
                }
                done += counter.get(CTypes.U32, 0);
                if (errno != 0) {
                    throw batchFailure("update", errno, done, count);
                }
            }
        }
        for (; done < count; done++) {
            int rc = Native.bpfMapUpdateElem(fd, keys.asSlice((long) done * keySize, keySize),
                    values.asSlice((long) done * valueSize, valueSize), BPF_ANY);
            if (rc < 0) {
                throw batchFailure("update", Errno.of(rc), done, count);
            }
        }
    }

    /** Deletes {@code count} consecutive keys; absent keys are skipped. Returns how many were deleted. */
    public int deleteBatch(MemorySegment keys, int count) {
        ensureOpen();
        int next = 0;
        int deleted = 0;
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment opts = batchOpts(scratch);
            MemorySegment counter = scratch.allocate(CTypes.U32);
            while (next < count && !batchUnsupported) {
                int chunk = Math.min(BATCH_MAX, count - next);
                counter.set(CTypes.U32, 0, chunk);
                int rc = Native.bpfMapDeleteBatch(fd, keys.asSlice((long) next * keySize), counter, opts);
                int errno = rc < 0 ? Errno.of(rc) : 0;
                if (errno == Errno.ENOTSUPP || errno == Errno.EOPNOTSUPP) {
                    batchUnsupported = true;
                    break;
                }
                int processed = counter.get(CTypes.U32, 0);
                next += processed;
                deleted += processed;
                if (errno == Errno.ENOENT) {
                    next++; // the kernel stopped at an absent key: skip it
                } else if (errno != 0) {
                    throw batchFailure("delete", errno, next, count);
                }
            }
        }
        for (; next < count; next++) {
            if (delete(keys.asSlice((long) next * keySize, keySize))) {
                deleted++;
            }
        }
        return deleted;
    }

    private static MemorySegment batchOpts(Arena scratch) {
        MemorySegment opts = scratch.allocate(LibbpfStructs.MAP_BATCH_OPTS);
        opts.set(CTypes.SIZE_T, LibbpfStructs.MAP_BATCH_OPTS.byteOffset(groupElement("sz")), LibbpfStructs.MAP_BATCH_OPTS.byteSize());
        return opts;
    }

    private BpfException batchFailure(String operation, int errno, int done, int count) {
        return new BpfException(operation + " map " + name + " (batch: " + done + " of " + count + " entries done)", where, errno);
    }

    private void ensureOpen() {
        if (!open.getAsBoolean()) {
            throw new IllegalStateException("map " + name + " (" + where + ") belongs to a closed BPF object");
        }
    }

    @Override
    public String toString() {
        return "map " + name + " (" + where + ")";
    }
}
