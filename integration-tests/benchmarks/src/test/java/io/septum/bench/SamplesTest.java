package io.septum.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SamplesTest {

    @Test
    void medianOfAnOddCountIsTheMiddleValue() {
        assertThat(Samples.of(5, 1, 3).median()).isEqualTo(3);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(Samples.of(4, 1, 3, 2).median()).isEqualTo(2.5);
    }

    @Test
    void percentilesAreNearestRank() {
        Samples hundred = new Samples(java.util.stream.IntStream.rangeClosed(1, 100).mapToObj(i -> (double) i).toList());
        assertThat(hundred.percentile(50)).isEqualTo(50);
        assertThat(hundred.percentile(99)).isEqualTo(99);
        assertThat(hundred.percentile(100)).isEqualTo(100);
        assertThat(Samples.of(7, 9).percentile(99)).as("p99 of few samples is the largest").isEqualTo(9);
        assertThat(hundred.min()).isEqualTo(1);
        assertThat(hundred.max()).isEqualTo(100);
    }

    @Test
    void rejectsNothingToSummarise() {
        assertThatThrownBy(Samples::of).hasMessageContaining("no samples");
        assertThatThrownBy(() -> Samples.of(1).percentile(0)).hasMessageContaining("percentile");
    }
}
