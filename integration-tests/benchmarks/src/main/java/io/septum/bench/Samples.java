package io.septum.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;

/**
 * Repeated measurements of one figure. Medians, not means: on a shared 2-core machine a few runs are slowed
 * by other work, and the median ignores them where a mean would not.
 */
public record Samples(List<Double> values) {

    public Samples {
        values = List.copyOf(values);
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
    }

    public static Samples of(double... values) {
        return new Samples(Arrays.stream(values).boxed().toList());
    }

    public double median() {
        double[] sorted = sorted();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The nearest-rank percentile: the smallest sample with at least {@code p} percent of samples at or below it. */
    public double percentile(double p) {
        if (p <= 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
        }
        double[] sorted = sorted();
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    public double min() {
        return sorted()[0];
    }

    public double max() {
        double[] sorted = sorted();
        return sorted[sorted.length - 1];
    }

    /** p50, p99, min and max, rounded to 0.1, as fields of {@code node}: how the benchmarks report a latency. */
    public void putPercentiles(ObjectNode node) {
        node.put("p50", Math.round(median() * 10) / 10.0);
        node.put("p99", Math.round(percentile(99) * 10) / 10.0);
        node.put("min", Math.round(min() * 10) / 10.0);
        node.put("max", Math.round(max() * 10) / 10.0);
    }

    private double[] sorted() {
        double[] out = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(out);
        return out;
    }
}
