package io.septum.identity.distribution;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchQueueTest {

    /** The batches a queue started, in order; each runs until the test ends it. */
    private final List<List<Integer>> started = new ArrayList<>();

    private BatchQueue<Integer> queue(int maxBatch, int maxInFlight, int minBeside) {
        return new BatchQueue<>(maxBatch, maxInFlight, minBeside, started::add);
    }

    private static void add(BatchQueue<Integer> queue, int from, int to) {
        IntStream.range(from, to).forEach(queue::add);
    }

    @Test
    void aRequestGoesAloneAtOnceWhenNoTransactionRuns() {
        BatchQueue<Integer> queue = queue(512, 2, 32);
        queue.add(1);
        assertThat(started).containsExactly(List.of(1));
    }

    @Test
    void besideARunningTransactionOnlyOnceEnoughWait() {
        BatchQueue<Integer> queue = queue(512, 2, 4);
        queue.add(0);
        add(queue, 1, 4);
        assertThat(started).as("three waiting: fewer than min-beside").containsExactly(List.of(0));
        queue.add(4);
        assertThat(started).containsExactly(List.of(0), List.of(1, 2, 3, 4));
        add(queue, 5, 12);
        assertThat(started).as("max-in-flight reached").hasSize(2);
    }

    @Test
    void theEndOfATransactionTakesEverythingThatWaits() {
        BatchQueue<Integer> queue = queue(512, 2, 32);
        queue.add(0);
        add(queue, 1, 4);
        queue.ended();
        assertThat(started).containsExactly(List.of(0), List.of(1, 2, 3));
        queue.ended();
        assertThat(started).hasSize(2);
        queue.add(4);
        assertThat(started).as("none runs: alone, at once").containsExactly(List.of(0), List.of(1, 2, 3), List.of(4));
    }

    @Test
    void aBatchTakesAtMostMaxBatchAndTheRestFollows() {
        BatchQueue<Integer> queue = queue(3, 1, 1);
        queue.add(0);
        add(queue, 1, 8);
        queue.ended();
        queue.ended();
        queue.ended();
        assertThat(started).containsExactly(List.of(0), List.of(1, 2, 3), List.of(4, 5, 6), List.of(7));
    }

    @Test
    void minBesideAboveMaxBatchMeansAFullBatch() {
        BatchQueue<Integer> queue = queue(2, 2, 32);
        add(queue, 0, 3);
        assertThat(started).containsExactly(List.of(0), List.of(1, 2));
    }

    @Test
    void settingsBelowOneAreRefusedByName() {
        assertThatThrownBy(() -> queue(512, 2, 0)).hasMessageContaining("min-beside 0");
        assertThatThrownBy(() -> queue(0, 2, 1)).hasMessageContaining("max-batch 0");
    }
}
