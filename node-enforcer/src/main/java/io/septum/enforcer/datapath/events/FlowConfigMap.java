package io.septum.enforcer.datapath.events;

import static io.septum.enforcer.datapath.libbpf.CTypes.U32;

import io.septum.enforcer.datapath.EventMode;
import io.septum.enforcer.datapath.libbpf.BpfMap;
import io.septum.enforcer.datapath.libbpf.CTypes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * Map {@code flow_config}: one entry of node-wide flow event settings that every program run reads. Pinned like
 * the other maps, so the mode outlives the enforcer; a fresh map reads as {@link EventMode#CONNECTIONS}.
 */
public final class FlowConfigMap {

    public static final String NAME = "flow_config";

    /** struct flow_config (bpf-src/lib/maps.h) */
    public static final StructLayout VALUE_LAYOUT = MemoryLayout.structLayout(
            U32.withName("event_mode"),
            CTypes.pad("pad", 4)).withName("flow_config");

    private static final long EVENT_MODE = VALUE_LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("event_mode"));

    private final BpfMap map;

    public FlowConfigMap(BpfMap map) {
        if (map.type() != BpfMap.TYPE_ARRAY || map.keySize() != U32.byteSize() || map.valueSize() != VALUE_LAYOUT.byteSize()) {
            throw new IllegalStateException(map + " is not an array of " + VALUE_LAYOUT);
        }
        this.map = map;
    }

    /** The mode the programs apply from their next packet on. */
    public void setEventMode(EventMode mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(U32);
            MemorySegment value = arena.allocate(VALUE_LAYOUT);
            value.set(U32, EVENT_MODE, mode.code());
            map.update(key, value, BpfMap.BPF_ANY);
        }
    }

    public EventMode eventMode() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(U32);
            MemorySegment value = arena.allocate(VALUE_LAYOUT);
            return map.lookup(key, value) ? EventMode.of(value.get(U32, EVENT_MODE)) : EventMode.CONNECTIONS;
        }
    }
}
