package io.septum.enforcer.datapath.maps;

import io.septum.enforcer.datapath.EnforcementMaps;
import static io.septum.enforcer.datapath.libbpf.CTypes.BE32;
import static io.septum.enforcer.datapath.libbpf.CTypes.U32;
import static io.septum.enforcer.datapath.libbpf.CTypes.pad;

import io.septum.enforcer.datapath.EndpointInfo;
import io.septum.enforcer.datapath.Ipv4;
import io.septum.enforcer.datapath.libbpf.BpfMap;
import io.septum.enforcer.datapath.libbpf.StructField;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.Map;
import java.util.Optional;

/** Map {@code endpoints}: host-side veth ifindex (in the node's netns) to the pod behind it. */
public final class EndpointMap implements EnforcementMaps.Endpoints {

    public static final String NAME = "endpoints";

    /** struct endpoint_key (bpf-src/lib/maps.h) */
    public static final StructLayout KEY_LAYOUT = MemoryLayout.structLayout(
            U32.withName("ifindex")).withName("endpoint_key");

    /** struct endpoint_info (bpf-src/lib/maps.h) */
    public static final StructLayout VALUE_LAYOUT = MemoryLayout.structLayout(
            U32.withName("ep_id"),
            U32.withName("identity"),
            BE32.withName("ipv4"),
            U32.withName("policy_epoch"),
            U32.withName("flags"),
            pad("pad", 4)).withName("endpoint_info");

    private static final StructField IFINDEX = StructField.of(KEY_LAYOUT, "ifindex");
    private static final StructField EP_ID = StructField.of(VALUE_LAYOUT, "ep_id");
    private static final StructField IDENTITY = StructField.of(VALUE_LAYOUT, "identity");
    private static final StructField IPV4 = StructField.of(VALUE_LAYOUT, "ipv4");
    private static final StructField POLICY_EPOCH = StructField.of(VALUE_LAYOUT, "policy_epoch");
    private static final StructField FLAGS = StructField.of(VALUE_LAYOUT, "flags");

    private static final Codec<Integer> KEYS = new Codec<>(KEY_LAYOUT, (ifindex, s) -> IFINDEX.setU32(s, ifindex), IFINDEX::u32);
    private static final Codec<EndpointInfo> VALUES = new Codec<>(VALUE_LAYOUT,
            (info, s) -> {
                EP_ID.setU32(s, info.endpointId());
                IDENTITY.setU32(s, info.identity());
                IPV4.setU32(s, Ipv4.bits(info.ipv4()));
                POLICY_EPOCH.setU32(s, info.policyEpoch());
                FLAGS.setU32(s, info.flags());
            },
            s -> new EndpointInfo(EP_ID.u32(s), IDENTITY.u32(s), Ipv4.address(IPV4.u32(s)), POLICY_EPOCH.u32(s), FLAGS.u32(s)));

    private final TypedMap<Integer, EndpointInfo> map;

    public EndpointMap(BpfMap map) {
        this.map = new TypedMap<>(map, KEYS, VALUES);
    }

    /** Creates or replaces the endpoint behind {@code ifindex}; takes effect for the next packet. */
    public void put(int ifindex, EndpointInfo info) {
        map.put(ifindex, info);
    }

    /** Removes the endpoint (its packets are then dropped as UNKNOWN_ENDPOINT); false if there was none. */
    public boolean delete(int ifindex) {
        return map.delete(ifindex);
    }

    public Optional<EndpointInfo> lookup(int ifindex) {
        return map.lookup(ifindex);
    }

    /** ifindex to endpoint, for every endpoint. */
    public Map<Integer, EndpointInfo> entries() {
        return map.entries();
    }
}
