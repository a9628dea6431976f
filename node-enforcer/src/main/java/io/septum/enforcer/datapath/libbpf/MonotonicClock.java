package io.septum.enforcer.datapath.libbpf;

import io.septum.enforcer.datapath.BpfException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** CLOCK_MONOTONIC, the clock of bpf_ktime_get_ns(): deadlines and timestamps the datapath writes. */
public final class MonotonicClock {

    private MonotonicClock() {
    }

    public static long nanos() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment timespec = arena.allocate(LibbpfStructs.TIMESPEC);
            int rc = Native.clockGettime(Native.CLOCK_MONOTONIC, timespec);
            if (rc != 0) {
                throw new BpfException("read clock", "CLOCK_MONOTONIC", Errno.last());
            }
            return timespec.get(CTypes.U64, 0) * 1_000_000_000L + timespec.get(CTypes.U64, 8);
        }
    }
}
