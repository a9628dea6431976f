package io.septum.enforcer.datapath.maps;

import io.septum.enforcer.datapath.EnforcementMaps;
import static io.septum.enforcer.datapath.libbpf.CTypes.BE16;
import static io.septum.enforcer.datapath.libbpf.CTypes.BE32;
import static io.septum.enforcer.datapath.libbpf.CTypes.U32;
import static io.septum.enforcer.datapath.libbpf.CTypes.U64;
import static io.septum.enforcer.datapath.libbpf.CTypes.U8;
import static io.septum.enforcer.datapath.libbpf.CTypes.pad;

import io.septum.enforcer.datapath.ConntrackEntry;
import io.septum.enforcer.datapath.ConntrackKey;
import io.septum.enforcer.datapath.Direction;
import io.septum.enforcer.datapath.Ipv4;
import io.septum.enforcer.datapath.libbpf.BpfMap;
import io.septum.enforcer.datapath.libbpf.MonotonicClock;
import io.septum.enforcer.datapath.libbpf.StructField;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Map {@code ct}: connection tracking, one entry per connection per endpoint (an LRU hash: the kernel evicts
 * the least recently used entry when full). Written by the datapath; user space reads it and removes the
 * entries of endpoints that are gone.
 */
public final class ConntrackMap implements EnforcementMaps.Conntrack {

    public static final String NAME = "ct";

    /** struct ct_key (bpf-src/lib/maps.h) */
    public static final StructLayout KEY_LAYOUT = MemoryLayout.structLayout(
            U32.withName("ep_id"),
            BE32.withName("peer_addr"),
            BE16.withName("peer_port"),
            BE16.withName("local_port"),
            U8.withName("protocol"),
            U8.withName("conn_dir"),
            pad("pad", 2)).withName("ct_key");

    /** struct ct_value (bpf-src/lib/maps.h) */
    public static final StructLayout VALUE_LAYOUT = MemoryLayout.structLayout(
            U64.withName("expires_ns"),
            U64.withName("packets"),
            U64.withName("bytes"),
            U32.withName("policy_epoch"),
            U32.withName("peer_identity"),
            U32.withName("rule_ref"),
            U8.withName("tcp_flags_seen"),
            pad("pad", 3)).withName("ct_value");

    private static final StructField EP_ID = StructField.of(KEY_LAYOUT, "ep_id");
    private static final StructField PEER_ADDR = StructField.of(KEY_LAYOUT, "peer_addr");
    private static final StructField PEER_PORT = StructField.of(KEY_LAYOUT, "peer_port");
    private static final StructField LOCAL_PORT = StructField.of(KEY_LAYOUT, "local_port");
    private static final StructField PROTOCOL = StructField.of(KEY_LAYOUT, "protocol");
    private static final StructField CONN_DIR = StructField.of(KEY_LAYOUT, "conn_dir");
    private static final StructField EXPIRES_NS = StructField.of(VALUE_LAYOUT, "expires_ns");
    private static final StructField PACKETS = StructField.of(VALUE_LAYOUT, "packets");
    private static final StructField BYTES = StructField.of(VALUE_LAYOUT, "bytes");
    private static final StructField POLICY_EPOCH = StructField.of(VALUE_LAYOUT, "policy_epoch");
    private static final StructField PEER_IDENTITY = StructField.of(VALUE_LAYOUT, "peer_identity");
    private static final StructField RULE_REF = StructField.of(VALUE_LAYOUT, "rule_ref");
    private static final StructField TCP_FLAGS_SEEN = StructField.of(VALUE_LAYOUT, "tcp_flags_seen");

    private static final Codec<ConntrackKey> KEYS = new Codec<>(KEY_LAYOUT,
            (key, s) -> {
                EP_ID.setU32(s, key.endpointId());
                PEER_ADDR.setU32(s, Ipv4.bits(key.peerAddress()));
                PEER_PORT.setU16(s, key.peerPort());
                LOCAL_PORT.setU16(s, key.localPort());
                PROTOCOL.setU8(s, key.protocol());
                CONN_DIR.setU8(s, key.connectionDirection().code());
            },
            s -> new ConntrackKey(EP_ID.u32(s), Ipv4.address(PEER_ADDR.u32(s)), PEER_PORT.u16(s), LOCAL_PORT.u16(s),
                    PROTOCOL.u8(s), Direction.of(CONN_DIR.u8(s))));

    /** The key is not part of the value bytes; entries are assembled in {@link #entries()}. */
    private record Value(long expiresNs, long packets, long bytes, int policyEpoch, int peerIdentity, int ruleRef, int tcpFlagsSeen) {
    }

    private static final Codec<Value> VALUES = new Codec<>(VALUE_LAYOUT,
            (value, s) -> {
                throw new UnsupportedOperationException("conntrack entries are written by the datapath only");
            },
            s -> new Value(EXPIRES_NS.u64(s), PACKETS.u64(s), BYTES.u64(s), POLICY_EPOCH.u32(s), PEER_IDENTITY.u32(s),
                    RULE_REF.u32(s), TCP_FLAGS_SEEN.u8(s)));

    private final TypedMap<ConntrackKey, Value> map;

    public ConntrackMap(BpfMap map) {
        this.map = new TypedMap<>(map, KEYS, VALUES);
    }

    /** A snapshot of every entry, expired ones included (see {@link ConntrackEntry#expiredAt}). */
    public List<ConntrackEntry> entries() {
        List<ConntrackEntry> out = new ArrayList<>();
        for (Map.Entry<ConntrackKey, Value> e : map.entries().entrySet()) {
            Value v = e.getValue();
            out.add(new ConntrackEntry(e.getKey(), v.expiresNs(), v.packets(), v.bytes(), v.policyEpoch(), v.peerIdentity(),
                    v.ruleRef(), v.tcpFlagsSeen()));
        }
        return out;
    }

    /** False if there was no such entry. */
    public boolean delete(ConntrackKey key) {
        return map.delete(key);
    }

    /** Removes every connection of an endpoint (when its pod is gone); returns how many there were. */
    public int deleteEndpoint(int endpointId) {
        return map.deleteAll(map.entries((key, value) -> key.endpointId() == endpointId).keySet());
    }

    /** Number of entries, expired ones included. */
    public int count() {
        return map.count();
    }

    /** Now on the clock of {@link ConntrackEntry#expiresNs()} (CLOCK_MONOTONIC, what bpf_ktime_get_ns reads). */
    public static long monotonicNanos() {
        return MonotonicClock.nanos();
    }
}
