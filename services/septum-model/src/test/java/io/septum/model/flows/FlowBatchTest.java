package io.septum.model.flows;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlowBatchTest {

    private static final FlowRecord DROP = new FlowRecord(123_456_789_000L, 7, 42, 300, 301, 0x0a000105, 0x0a000106,
            40000, 80, 6, 1, 1, 0, 0x02, false, 0, 74);
    private static final FlowRecord FORWARD = new FlowRecord(123_456_790_000L, 8, 43, 301, 2, 0x0a000106, 0x08080808,
            65535, 65535, 17, 0, 0, 1, 0, true, -17, 1500);

    @Test
    void roundTripKeepsEveryField() {
        FlowBatch batch = new FlowBatch("node-ü", 3, 1_700_000_000_000_000_000L, 5, 6, List.of(DROP, FORWARD));
        byte[] encoded = batch.encode();

        assertThat(encoded).hasSize(FlowBatch.headerSize("node-ü") + 2 * FlowBatch.RECORD_SIZE);
        assertThat(FlowBatch.decode(encoded)).isEqualTo(batch);
        assertThat(batch.wallClockNanos(DROP)).isEqualTo(1_700_000_000_000_000_000L + 123_456_789_000L);
    }

    @Test
    void longerRecordsOfANewerWriterAreReadUpToWhatThisReaderKnows() {
        int longer = FlowBatch.RECORD_SIZE + 8;
        ByteBuffer out = ByteBuffer.allocate(FlowBatch.headerSize("n") + 2 * longer);
        FlowBatch.writeHeader(out, "n", 1, 0, 0, 0, 2);
        out.putShort(out.position() - 6, (short) longer);
        for (FlowRecord r : List.of(DROP, FORWARD)) {
            FlowBatch.writeRecord(out, r);
            out.putLong(-1L);
        }

        assertThat(FlowBatch.decode(out.array()).records()).containsExactly(DROP, FORWARD);
    }

    @Test
    void damagedMessagesAreRejectedWithTheReason() {
        byte[] good = new FlowBatch("n", 1, 0, 0, 0, List.of(DROP)).encode();

        assertThatThrownBy(() -> FlowBatch.decode(java.util.Arrays.copyOf(good, good.length - 1)))
                .hasMessage("decode flow batch from n: 1 records of 52 bytes announced, 51 bytes present");
        assertThatThrownBy(() -> FlowBatch.decode(new byte[] {1, 2, 3, 4, 5})).hasMessageContaining("not a flow batch");
        byte[] future = good.clone();
        future[4] = 9;
        assertThatThrownBy(() -> FlowBatch.decode(future)).hasMessage("decode flow batch: unsupported version 9 (this reader knows 1)");
        assertThatThrownBy(() -> FlowBatch.decode(java.util.Arrays.copyOf(good, 10))).hasMessageContaining("truncated");
    }
}
