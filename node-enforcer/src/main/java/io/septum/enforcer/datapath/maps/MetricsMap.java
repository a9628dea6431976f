package io.septum.enforcer.datapath.maps;

import static io.septum.enforcer.datapath.libbpf.CTypes.U32;
import static io.septum.enforcer.datapath.libbpf.CTypes.U64;

import io.septum.enforcer.datapath.Direction;
import io.septum.enforcer.datapath.DropReason;
import io.septum.enforcer.datapath.MetricsSample;
import io.septum.enforcer.datapath.Verdict;
import io.septum.enforcer.datapath.libbpf.BpfMap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Map {@code metrics}: per-CPU packet and byte counters, one cell per (verdict, direction, reason) at index
 * {@code (verdict * 2 + direction) * 256 + reason}. Every packet the programs see lands in exactly one cell.
 */
public final class MetricsMap {

    public static final String NAME = "metrics";
    public static final int REASONS = 256;

    /** The key: a __u32 index. */
    public static final ValueLayout KEY_LAYOUT = U32;

    /** struct metrics_value (bpf-src/lib/maps.h) */
    public static final StructLayout VALUE_LAYOUT = MemoryLayout.structLayout(
            U64.withName("packets"),
            U64.withName("bytes")).withName("metrics_value");

    private static final System.Logger LOG = System.getLogger(MetricsMap.class.getName());
    private static final long PACKETS = VALUE_LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("packets"));
    private static final long BYTES = VALUE_LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("bytes"));

    private final BpfMap map;

    public MetricsMap(BpfMap map) {
        if (map.keySize() != KEY_LAYOUT.byteSize() || map.valueSize() != VALUE_LAYOUT.byteSize() || !map.isPerCpu()) {
            throw new IllegalStateException(map + " is not a per-CPU array of " + VALUE_LAYOUT);
        }
        this.map = map;
    }

    /** The cells that counted anything, summed over all possible CPUs. */
    public List<MetricsSample> read() {
        List<MetricsSample> samples = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(KEY_LAYOUT);
            MemorySegment values = arena.allocate(map.valueBufferSize(), 8);
            for (int index = 0; index < map.maxEntries(); index++) {
                key.set(U32, 0, index);
                if (!map.lookup(key, values)) {
                    continue;
                }
                long packets = map.sumPerCpu(values, PACKETS);
                if (packets == 0) {
                    continue;
                }
                MetricsSample sample = sample(index, packets, map.sumPerCpu(values, BYTES));
                if (sample != null) {
                    samples.add(sample);
                }
            }
        }
        return samples;
    }

    private static MetricsSample sample(int index, long packets, long bytes) {
        int reason = index % REASONS;
        int direction = (index / REASONS) % 2;
        int verdict = index / (REASONS * 2);
        try {
            return new MetricsSample(Verdict.of(verdict), Direction.of(direction), DropReason.of(reason), packets, bytes);
        } catch (IllegalArgumentException e) {
            // A newer BPF object counting a reason this enforcer does not know: skip, do not fail the scrape.
            LOG.log(System.Logger.Level.WARNING, "metrics cell " + index + " skipped: " + e.getMessage());
            return null;
        }
    }
}
