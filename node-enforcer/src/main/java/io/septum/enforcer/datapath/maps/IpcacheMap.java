package io.septum.enforcer.datapath.maps;

import io.septum.enforcer.datapath.EnforcementMaps;
import static io.septum.enforcer.datapath.libbpf.CTypes.BE32;
import static io.septum.enforcer.datapath.libbpf.CTypes.U32;
import static io.septum.enforcer.datapath.libbpf.CTypes.pad;

import io.septum.enforcer.datapath.IpcacheValue;
import io.septum.enforcer.datapath.Ipv4;
import io.septum.enforcer.datapath.Ipv4Prefix;
import io.septum.enforcer.datapath.libbpf.BpfMap;
import io.septum.enforcer.datapath.libbpf.StructField;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.net.Inet4Address;
import java.util.Map;
import java.util.Optional;

/**
 * Map {@code ipcache}: IPv4 prefix to security identity, cluster-wide; an LPM trie, so an address gets the
 * identity of the longest prefix containing it, and an address no prefix contains is the world (2).
 */
public final class IpcacheMap implements EnforcementMaps.Ipcache {

    public static final String NAME = "ipcache";

    /** struct ipcache_key (bpf-src/lib/maps.h): prefixlen in host order, address in network order. */
    public static final StructLayout KEY_LAYOUT = MemoryLayout.structLayout(
            U32.withName("prefixlen"),
            BE32.withName("addr")).withName("ipcache_key");

    /** struct ipcache_value (bpf-src/lib/maps.h) */
    public static final StructLayout VALUE_LAYOUT = MemoryLayout.structLayout(
            U32.withName("identity"),
            BE32.withName("node_addr"),
            U32.withName("flags"),
            pad("pad", 4)).withName("ipcache_value");

    private static final StructField PREFIXLEN = StructField.of(KEY_LAYOUT, "prefixlen");
    private static final StructField ADDR = StructField.of(KEY_LAYOUT, "addr");
    private static final StructField IDENTITY = StructField.of(VALUE_LAYOUT, "identity");
    private static final StructField NODE_ADDR = StructField.of(VALUE_LAYOUT, "node_addr");
    private static final StructField FLAGS = StructField.of(VALUE_LAYOUT, "flags");

    /** Also the key of the {@code prefixes} map. */
    static final Codec<Ipv4Prefix> KEYS = new Codec<>(KEY_LAYOUT,
            (prefix, s) -> {
                PREFIXLEN.setU32(s, prefix.length());
                ADDR.setU32(s, Ipv4.bits(prefix.address()));
            },
            s -> new Ipv4Prefix(Ipv4.address(ADDR.u32(s)), PREFIXLEN.u32(s)));
    private static final Codec<IpcacheValue> VALUES = new Codec<>(VALUE_LAYOUT,
            (value, s) -> {
                IDENTITY.setU32(s, value.identity());
                NODE_ADDR.setU32(s, value.nodeAddress() == null ? 0 : Ipv4.bits(value.nodeAddress()));
                FLAGS.setU32(s, value.flags());
            },
            s -> new IpcacheValue(IDENTITY.u32(s), NODE_ADDR.u32(s) == 0 ? null : Ipv4.address(NODE_ADDR.u32(s)), FLAGS.u32(s)));

    private final TypedMap<Ipv4Prefix, IpcacheValue> map;

    public IpcacheMap(BpfMap map) {
        this.map = new TypedMap<>(map, KEYS, VALUES);
    }

    public void put(Ipv4Prefix prefix, IpcacheValue value) {
        map.put(prefix, value);
    }

    /** False if the prefix was not in the map. */
    public boolean delete(Ipv4Prefix prefix) {
        return map.delete(prefix);
    }

    /** The value stored for exactly this prefix (not a covering one). */
    public Optional<IpcacheValue> lookup(Ipv4Prefix prefix) {
        return map.lookupExactPrefix(prefix);
    }

    /** What the datapath resolves {@code address} to: the value of the longest prefix containing it. */
    public Optional<IpcacheValue> resolve(Inet4Address address) {
        return map.lookup(Ipv4Prefix.host(address));
    }

    public Map<Ipv4Prefix, IpcacheValue> entries() {
        return map.entries();
    }
}
