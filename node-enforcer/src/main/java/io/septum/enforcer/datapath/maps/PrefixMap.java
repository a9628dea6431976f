package io.septum.enforcer.datapath.maps;

import io.septum.enforcer.datapath.EnforcementMaps;
import static io.septum.enforcer.datapath.libbpf.CTypes.U32;
import static io.septum.enforcer.datapath.libbpf.CTypes.pad;

import io.septum.enforcer.datapath.Ipv4Prefix;
import io.septum.enforcer.datapath.libbpf.BpfMap;
import io.septum.enforcer.datapath.libbpf.StructField;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.net.Inet4Address;
import java.util.Map;
import java.util.Optional;

/**
 * Map {@code prefixes}: every IPv4 prefix a policy names (ipBlock cidr and except, 0.0.0.0/0 included) to
 * the node-local CIDR identity the control plane gave it; an LPM trie. The datapath looks a peer's address
 * up here beside the ipcache, so an ipBlock matches pods too: policy entries for the CIDR identity apply
 * whatever identity the ipcache gives the address. An address no prefix contains has no CIDR identity (0).
 */
public final class PrefixMap implements EnforcementMaps.Prefixes {

    public static final String NAME = "prefixes";

    /** The key is struct ipcache_key, as in {@link IpcacheMap}. */
    public static final StructLayout KEY_LAYOUT = IpcacheMap.KEY_LAYOUT;

    /** struct prefix_value (bpf-src/lib/maps.h) */
    public static final StructLayout VALUE_LAYOUT = MemoryLayout.structLayout(
            U32.withName("identity"),
            pad("pad", 4)).withName("prefix_value");

    private static final StructField IDENTITY = StructField.of(VALUE_LAYOUT, "identity");
    private static final Codec<Integer> VALUES = new Codec<>(VALUE_LAYOUT, (id, s) -> IDENTITY.setU32(s, id), IDENTITY::u32);

    private final TypedMap<Ipv4Prefix, Integer> map;

    public PrefixMap(BpfMap map) {
        this.map = new TypedMap<>(map, IpcacheMap.KEYS, VALUES);
    }

    public void put(Ipv4Prefix prefix, int cidrIdentity) {
        if (cidrIdentity == 0) {
            throw new IllegalArgumentException("CIDR identity 0 means 'no prefix'; " + prefix + " needs a real one");
        }
        map.put(prefix, cidrIdentity);
    }

    /** False if the prefix was not in the map. */
    public boolean delete(Ipv4Prefix prefix) {
        return map.delete(prefix);
    }

    /** The CIDR identity stored for exactly this prefix (not a covering one). */
    public Optional<Integer> lookup(Ipv4Prefix prefix) {
        return map.lookupExactPrefix(prefix);
    }

    /** What the datapath resolves {@code address} to: the CIDR identity of the longest prefix containing it. */
    public Optional<Integer> resolve(Inet4Address address) {
        return map.lookup(Ipv4Prefix.host(address));
    }

    public Map<Ipv4Prefix, Integer> entries() {
        return map.entries();
    }

    public int capacity() {
        return map.raw().maxEntries();
    }
}
