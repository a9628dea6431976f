package io.septum.flows.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The cached formatter writes exactly what Instant.toString writes. */
class InstantTextTest {

    @Test
    void matchesInstantToStringOnEdgesAndRandomTimes() {
        InstantText text = new InstantText();
        long now = 1_795_000_000_000_000_000L;
        long[] edges = {0, 1, 999_999_999, 1_000_000_000, 1_000_000, 1_000, 123_000_000, 123_456_000, 123_456_789,
                now, now + 1, now + 999_999_999, now + 10_000_000, now + 10_000, -1, -1_000_000_000L, Long.MAX_VALUE};
        for (long nanos : edges) {
            assertThat(text.format(nanos)).as("%d ns", nanos).isEqualTo(Instant.ofEpochSecond(0, nanos).toString());
        }
        SplittableRandom random = new SplittableRandom(6);
        for (int i = 0; i < 100_000; i++) {
            // Mostly within a few seconds (the cache's case), sometimes far away, with every fraction length.
            long nanos = i % 100 == 0 ? random.nextLong(0, Long.MAX_VALUE) : now + random.nextLong(0, 5_000_000_000L);
            nanos -= switch (i % 3) {
                case 0 -> nanos % 1_000_000;
                case 1 -> nanos % 1_000;
                default -> 0;
            };
            assertThat(text.format(nanos)).as("%d ns", nanos).isEqualTo(Instant.ofEpochSecond(0, nanos).toString());
        }
    }
}
