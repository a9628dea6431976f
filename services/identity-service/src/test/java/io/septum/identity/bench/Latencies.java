package io.septum.identity.bench;

import java.util.Arrays;

/** Latencies in microseconds, recorded by one thread; merged and ranked when the run is over. */
final class Latencies {

    private long[] micros = new long[1 << 16];
    private int size;

    void add(long nanos) {
        if (size == micros.length) {
            micros = Arrays.copyOf(micros, size * 2);
        }
        micros[size++] = nanos / 1000;
    }

    int size() {
        return size;
    }

    static Latencies merge(Iterable<Latencies> all) {
        Latencies merged = new Latencies();
        for (Latencies l : all) {
            for (int i = 0; i < l.size; i++) {
                merged.add(l.micros[i] * 1000);
            }
        }
        Arrays.sort(merged.micros, 0, merged.size);
        return merged;
    }

    /** The q-quantile in milliseconds (of a merged, sorted set), rounded to 0.01 ms. */
    double quantileMillis(double q) {
        if (size == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(size - 1, Math.ceil(q * size) - 1);
        return Math.round(micros[Math.max(0, index)] / 10.0) / 100.0;
    }
}
