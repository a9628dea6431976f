package io.septum.enforcer.controlplane.mapstate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.BitSet;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class PortPrefixesTest {

    @ParameterizedTest(name = "{0}-{1} -> {2} prefixes")
    @CsvSource({"80,80,1", "80,81,1", "0,65535,1", "1,65535,16", "1000,2000,8", "32768,65535,1", "1024,65535,6"})
    void usesTheFewestAlignedPrefixes(int first, int last, int expected) {
        assertThat(PortPrefixes.of(first, last)).hasSize(expected);
    }

    @Test
    void coversExactlyTheRangeForRandomRanges() {
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            int a = 1 + random.nextInt(65535), b = 1 + random.nextInt(65535);
            int first = Math.min(a, b), last = Math.max(a, b);
            List<PortPrefixes.PortPrefix> prefixes = PortPrefixes.of(first, last);
            BitSet covered = new BitSet(65536);
            for (PortPrefixes.PortPrefix p : prefixes) {
                int size = 1 << (16 - p.bits());
                assertThat(p.port() % size).as("aligned").isZero();
                assertThat(covered.get(p.port(), p.port() + size).isEmpty()).as("disjoint").isTrue();
                covered.set(p.port(), p.port() + size);
            }
            assertThat(covered.cardinality()).isEqualTo(last - first + 1);
            assertThat(covered.nextSetBit(0)).isEqualTo(first);
            assertThat(covered.previousSetBit(65535)).isEqualTo(last);
            assertThat(prefixes.size()).isLessThanOrEqualTo(30);
        }
    }
}
