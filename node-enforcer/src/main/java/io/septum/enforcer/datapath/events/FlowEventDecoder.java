package io.septum.enforcer.datapath.events;

import static io.septum.enforcer.datapath.libbpf.CTypes.BE16;
import static io.septum.enforcer.datapath.libbpf.CTypes.BE32;
import static io.septum.enforcer.datapath.libbpf.CTypes.U16;
import static io.septum.enforcer.datapath.libbpf.CTypes.U32;
import static io.septum.enforcer.datapath.libbpf.CTypes.U64;
import static io.septum.enforcer.datapath.libbpf.CTypes.U8;

import io.septum.enforcer.datapath.Direction;
import io.septum.enforcer.datapath.DropReason;
import io.septum.enforcer.datapath.FlowEvent;
import io.septum.enforcer.datapath.Ipv4;
import io.septum.enforcer.datapath.Verdict;
import io.septum.enforcer.datapath.libbpf.StructField;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/** Decodes the ring buffer records of map {@code events}. */
public final class FlowEventDecoder {

    /**
     * struct flow_event (bpf-src/lib/maps.h). Ring buffers have no value type, so the object keeps this struct
     * in its BTF through a never-loaded variable, and the layout check compares against that.
     */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            U64.withName("timestamp_ns"),
            U32.withName("ep_id"),
            U32.withName("ifindex"),
            U32.withName("src_identity"),
            U32.withName("dst_identity"),
            BE32.withName("saddr"),
            BE32.withName("daddr"),
            BE16.withName("sport"),
            BE16.withName("dport"),
            U8.withName("protocol"),
            U8.withName("verdict"),
            U8.withName("reason"),
            U8.withName("direction"),
            U8.withName("tcp_flags"),
            U8.withName("is_reply"),
            U16.withName("pad"),
            U32.withName("rule_ref"),
            U32.withName("packet_len"),
            U32.withName("pad2")).withName("flow_event");

    private static final StructField TIMESTAMP_NS = StructField.of(LAYOUT, "timestamp_ns");
    private static final StructField EP_ID = StructField.of(LAYOUT, "ep_id");
    private static final StructField IFINDEX = StructField.of(LAYOUT, "ifindex");
    private static final StructField SRC_IDENTITY = StructField.of(LAYOUT, "src_identity");
    private static final StructField DST_IDENTITY = StructField.of(LAYOUT, "dst_identity");
    private static final StructField SADDR = StructField.of(LAYOUT, "saddr");
    private static final StructField DADDR = StructField.of(LAYOUT, "daddr");
    private static final StructField SPORT = StructField.of(LAYOUT, "sport");
    private static final StructField DPORT = StructField.of(LAYOUT, "dport");
    private static final StructField PROTOCOL = StructField.of(LAYOUT, "protocol");
    private static final StructField VERDICT = StructField.of(LAYOUT, "verdict");
    private static final StructField REASON = StructField.of(LAYOUT, "reason");
    private static final StructField DIRECTION = StructField.of(LAYOUT, "direction");
    private static final StructField TCP_FLAGS = StructField.of(LAYOUT, "tcp_flags");
    private static final StructField IS_REPLY = StructField.of(LAYOUT, "is_reply");
    private static final StructField RULE_REF = StructField.of(LAYOUT, "rule_ref");
    private static final StructField PACKET_LEN = StructField.of(LAYOUT, "packet_len");

    private FlowEventDecoder() {
    }

    /** @throws IllegalArgumentException for a short record or an unknown enum code */
    public static FlowEvent decode(MemorySegment record) {
        if (record.byteSize() < LAYOUT.byteSize()) {
            throw new IllegalArgumentException("flow event record of " + record.byteSize() + " bytes, expected " + LAYOUT.byteSize());
        }
        return new FlowEvent(TIMESTAMP_NS.u64(record), EP_ID.u32(record), IFINDEX.u32(record), SRC_IDENTITY.u32(record),
                DST_IDENTITY.u32(record), Ipv4.address(SADDR.u32(record)), Ipv4.address(DADDR.u32(record)), SPORT.u16(record),
                DPORT.u16(record), PROTOCOL.u8(record), Verdict.of(VERDICT.u8(record)), DropReason.of(REASON.u8(record)),
                Direction.of(DIRECTION.u8(record)), TCP_FLAGS.u8(record), IS_REPLY.u8(record) != 0, RULE_REF.u32(record),
                PACKET_LEN.u32(record));
    }
}
