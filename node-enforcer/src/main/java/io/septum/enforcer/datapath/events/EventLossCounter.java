package io.septum.enforcer.datapath.events;

import io.septum.enforcer.datapath.libbpf.BpfMap;
import io.septum.enforcer.datapath.libbpf.CTypes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Map {@code event_losses}: flow events the datapath could not queue because the ring buffer was full. */
public final class EventLossCounter {

    public static final String NAME = "event_losses";

    private final BpfMap map;

    public EventLossCounter(BpfMap map) {
        if (map.keySize() != CTypes.U32.byteSize() || map.valueSize() != CTypes.U64.byteSize() || !map.isPerCpu()) {
            throw new IllegalStateException(map + " is not a per-CPU array of __u64");
        }
        this.map = map;
    }

    /** Events lost since the map was created (it is pinned: the count survives restarts), all CPUs summed. */
    public long read() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(CTypes.U32);
            MemorySegment values = arena.allocate(map.valueBufferSize(), 8);
            return map.lookup(key, values) ? map.sumPerCpu(values, 0) : 0;
        }
    }
}
