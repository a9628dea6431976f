package io.septum.model.flows;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch of flow events from one node, as published on {@code flows.<node>}: a small versioned header, then
 * fixed-size records. Binary because a node emits up to hundreds of thousands of events per second; one NATS
 * message carries up to about a thousand.
 *
 * <pre>
 * header (big-endian): u32 magic "SFLW", u8 version (1), u8 reserved, u16 node name length, node name (UTF-8),
 *   u64 sequence (batches published by this enforcer process, from 1), i64 wall-clock offset (epoch ns minus
 *   CLOCK_MONOTONIC ns, taken when the enforcer started), u64 ring-buffer losses (events the datapath could not
 *   queue, since the ring was created), u64 exporter drops (events dropped in the enforcer: queue overflow or a
 *   refused publish, since the process started), u16 record size, u32 record count
 * record (RECORD_SIZE bytes): u64 monotonic ns, u32 endpoint id, u32 ifindex, u32 source identity,
 *   u32 destination identity, u32 source address, u32 destination address, u16 source port, u16 destination port,
 *   u8 protocol, u8 verdict, u8 drop reason, u8 direction, u8 TCP flags, u8 flags (bit 0: reply), u16 reserved,
 *   u32 rule number, u32 packet length
 * </pre>
 *
 * A reader accepts records larger than it knows (fields appended by a newer enforcer) and skips the rest.
 *
 * @param ringLosses    cumulative, so a lost batch loses no loss count
 * @param exporterDrops cumulative, likewise
 */
public record FlowBatch(String node, long sequence, long wallClockOffsetNanos, long ringLosses, long exporterDrops,
        List<FlowRecord> records) {

    public static final int MAGIC = 0x53464c57; // "SFLW"
    public static final int VERSION = 1;
    public static final int RECORD_SIZE = 52;

    public FlowBatch {
        records = List.copyOf(records);
    }

    /** The wall-clock time of a record of this batch, in ns since the epoch. */
    public long wallClockNanos(FlowRecord record) {
        return record.monotonicNanos() + wallClockOffsetNanos;
    }

    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(headerSize(node) + records.size() * RECORD_SIZE);
        writeHeader(out, node, sequence, wallClockOffsetNanos, ringLosses, exporterDrops, records.size());
        for (FlowRecord r : records) {
            writeRecord(out, r);
        }
        return out.array();
    }

    public static int headerSize(String node) {
        return 4 + 1 + 1 + 2 + node.getBytes(StandardCharsets.UTF_8).length + 8 + 8 + 8 + 8 + 2 + 4;
    }

    /** Writes a header; with {@link #writeRecord} an encoder that reuses one buffer for many batches. */
    public static void writeHeader(ByteBuffer out, String node, long sequence, long wallClockOffsetNanos, long ringLosses,
            long exporterDrops, int count) {
        byte[] name = node.getBytes(StandardCharsets.UTF_8);
        out.putInt(MAGIC).put((byte) VERSION).put((byte) 0).putShort((short) name.length).put(name)
                .putLong(sequence).putLong(wallClockOffsetNanos).putLong(ringLosses).putLong(exporterDrops)
                .putShort((short) RECORD_SIZE).putInt(count);
    }

    public static void writeRecord(ByteBuffer out, FlowRecord r) {
        out.putLong(r.monotonicNanos()).putInt(r.endpointId()).putInt(r.ifindex()).putInt(r.sourceIdentity())
                .putInt(r.destinationIdentity()).putInt(r.sourceAddress()).putInt(r.destinationAddress())
                .putShort((short) r.sourcePort()).putShort((short) r.destinationPort())
                .put((byte) r.protocol()).put((byte) r.verdict()).put((byte) r.reason()).put((byte) r.direction())
                .put((byte) r.tcpFlags()).put((byte) (r.reply() ? 1 : 0)).putShort((short) 0)
                .putInt(r.ruleNumber()).putInt(r.packetLength());
    }

    /** @throws IllegalArgumentException naming what is wrong with the message */
    public static FlowBatch decode(byte[] message) {
        ByteBuffer in = ByteBuffer.wrap(message);
        try {
            int magic = in.getInt();
            if (magic != MAGIC) {
                throw new IllegalArgumentException("decode flow batch: not a flow batch (magic 0x" + Integer.toHexString(magic) + ")");
            }
            int version = in.get() & 0xff;
            if (version != VERSION) {
                throw new IllegalArgumentException("decode flow batch: unsupported version " + version + " (this reader knows " + VERSION + ")");
            }
            in.get();
            byte[] name = new byte[in.getShort() & 0xffff];
            in.get(name);
            String node = new String(name, StandardCharsets.UTF_8);
            long sequence = in.getLong();
            long offset = in.getLong();
            long ringLosses = in.getLong();
            long exporterDrops = in.getLong();
            int recordSize = in.getShort() & 0xffff;
            int count = in.getInt();
            if (recordSize < RECORD_SIZE) {
                throw new IllegalArgumentException("decode flow batch from " + node + ": records of " + recordSize + " bytes, expected at least " + RECORD_SIZE);
            }
            if (count < 0 || (long) count * recordSize != in.remaining()) {
                throw new IllegalArgumentException("decode flow batch from " + node + ": " + count + " records of " + recordSize
                        + " bytes announced, " + in.remaining() + " bytes present");
            }
            List<FlowRecord> records = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int start = in.position();
                records.add(new FlowRecord(in.getLong(), in.getInt(), in.getInt(), in.getInt(), in.getInt(), in.getInt(), in.getInt(),
                        in.getShort() & 0xffff, in.getShort() & 0xffff, in.get() & 0xff, in.get() & 0xff, in.get() & 0xff,
                        in.get() & 0xff, in.get() & 0xff, (in.get() & 1) != 0, skipShort(in), in.getInt()));
                in.position(start + recordSize);
            }
            return new FlowBatch(node, sequence, offset, ringLosses, exporterDrops, records);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("decode flow batch: message of " + message.length + " bytes is truncated", e);
        }
    }

    /** Skips the reserved u16 and reads the rule number after it. */
    private static int skipShort(ByteBuffer in) {
        in.getShort();
        return in.getInt();
    }
}
