package io.septum.enforcer.datapath;

import io.septum.enforcer.datapath.events.EventLossCounter;
import io.septum.enforcer.datapath.events.FlowConfigMap;
import io.septum.enforcer.datapath.events.FlowEventDecoder;
import io.septum.enforcer.datapath.libbpf.BpfMap;
import io.septum.enforcer.datapath.libbpf.BpfObject;
import io.septum.enforcer.datapath.libbpf.Btf;
import io.septum.enforcer.datapath.libbpf.CTypes;
import io.septum.enforcer.datapath.maps.ConntrackMap;
import io.septum.enforcer.datapath.maps.EndpointMap;
import io.septum.enforcer.datapath.maps.IpcacheMap;
import io.septum.enforcer.datapath.maps.MetricsMap;
import io.septum.enforcer.datapath.maps.PolicyMap;
import io.septum.enforcer.datapath.maps.PrefixMap;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What this Java code expects of bpf/lxc.bpf.o: its maps (type, key and value mirrors) and the flow event
 * struct. Checked against the object's BTF on every open, so a mismatched object is refused before anything
 * reads or writes its maps with the wrong layout.
 */
final class LxcObjectLayout {

    /** A map as the Java side mirrors it; a null layout means "no key/value" (ring buffer). */
    record MapMirror(String name, int type, MemoryLayout key, MemoryLayout value) {
    }

    static final String EVENTS = "events";

    static final Map<String, MapMirror> MAPS = mirrors(
            new MapMirror(EndpointMap.NAME, BpfMap.TYPE_HASH, EndpointMap.KEY_LAYOUT, EndpointMap.VALUE_LAYOUT),
            new MapMirror(IpcacheMap.NAME, BpfMap.TYPE_LPM_TRIE, IpcacheMap.KEY_LAYOUT, IpcacheMap.VALUE_LAYOUT),
            new MapMirror(PrefixMap.NAME, BpfMap.TYPE_LPM_TRIE, PrefixMap.KEY_LAYOUT, PrefixMap.VALUE_LAYOUT),
            new MapMirror(PolicyMap.NAME, BpfMap.TYPE_LPM_TRIE, PolicyMap.KEY_LAYOUT, PolicyMap.VALUE_LAYOUT),
            new MapMirror(ConntrackMap.NAME, BpfMap.TYPE_LRU_HASH, ConntrackMap.KEY_LAYOUT, ConntrackMap.VALUE_LAYOUT),
            new MapMirror(MetricsMap.NAME, BpfMap.TYPE_PERCPU_ARRAY, MetricsMap.KEY_LAYOUT, MetricsMap.VALUE_LAYOUT),
            new MapMirror(EVENTS, BpfMap.TYPE_RINGBUF, null, null),
            new MapMirror(EventLossCounter.NAME, BpfMap.TYPE_PERCPU_ARRAY, CTypes.U32, CTypes.U64),
            new MapMirror(FlowConfigMap.NAME, BpfMap.TYPE_ARRAY, CTypes.U32, FlowConfigMap.VALUE_LAYOUT));

    /** Structs without a map value type of their own, checked by name. */
    static final List<StructLayout> OTHER_STRUCTS = List.of(FlowEventDecoder.LAYOUT);

    private LxcObjectLayout() {
    }

    private static Map<String, MapMirror> mirrors(MapMirror... mirrors) {
        Map<String, MapMirror> out = new LinkedHashMap<>();
        for (MapMirror m : mirrors) {
            out.put(m.name(), m);
        }
        return Map.copyOf(out);
    }

    /** Every difference between the object (opened, not necessarily loaded) and the Java mirrors. */
    static List<String> differences(BpfObject object) {
        List<String> differences = new ArrayList<>();
        Btf btf = object.btf();
        List<String> seen = new ArrayList<>();
        for (BpfObject.MapDefinition map : object.maps()) {
            String name = map.name();
            seen.add(name);
            MapMirror mirror = MAPS.get(name);
            if (mirror == null) {
                differences.add("map " + name + ": declared by the object, unknown to Java");
                continue;
            }
            if (map.type() != mirror.type()) {
                differences.add("map " + name + ": type " + map.type() + " in C, " + mirror.type() + " expected");
            }
            compare(differences, btf, name, "key", map.keySize(), map.btfKeyTypeId(), mirror.key());
            compare(differences, btf, name, "value", map.valueSize(), map.btfValueTypeId(), mirror.value());
        }
        for (String name : MAPS.keySet()) {
            if (!seen.contains(name)) {
                differences.add("map " + name + ": expected by Java, missing in the object");
            }
        }
        for (StructLayout layout : OTHER_STRUCTS) {
            String name = layout.name().orElseThrow();
            Optional<Btf.Struct> struct = btf.struct(name);
            if (struct.isEmpty()) {
                differences.add("struct " + name + ": not in the object's BTF");
            } else {
                differences.addAll(Btf.compare(layout, struct.get()));
            }
        }
        return differences;
    }

    private static void compare(List<String> differences, Btf btf, String map, String part, int size, int btfTypeId,
            MemoryLayout mirror) {
        long expected = mirror == null ? 0 : mirror.byteSize();
        if (size != expected) {
            differences.add("map " + map + ": " + part + " size " + size + " in C, " + expected + " in Java");
        }
        if (mirror instanceof StructLayout struct) {
            Optional<Btf.Struct> actual = btfTypeId == 0 ? Optional.empty() : btf.structOf(btfTypeId);
            if (actual.isEmpty()) {
                differences.add("map " + map + ": " + part + " is no struct in the object's BTF");
            } else {
                differences.addAll(Btf.compare(struct, actual.get()));
            }
        }
    }
}
