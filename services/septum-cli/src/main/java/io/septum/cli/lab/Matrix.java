package io.septum.cli.lab;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

/**
 * Probes every ordered pair of lab pods (a pod to itself included, as in the Kubernetes e2e suite's 9x9
 * matrices) on one port, all at once, so a matrix costs about one probe timeout however many cells drop.
 */
public final class Matrix {

    /** The matrix in the shape {@code lab matrix --json} prints. */
    public record Result(int port, String protocol, List<Prober.Result> results) {
    }

    private Matrix() {
    }

    public static Result probe(LabState state, int port, String protocol, int timeoutMillis) {
        List<LabState.PodState> pods = state.pods();
        // Platform threads: each probe enters a network namespace, which only a platform thread may do.
        try (ExecutorService pool = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name("probe-", 0).factory())) {
            List<Future<Prober.Result>> futures = new ArrayList<>();
            for (LabState.PodState from : pods) {
                for (LabState.PodState to : pods) {
                    futures.add(pool.submit(() -> new Prober.Result(from.key(), to.key(), port, protocol,
                            Prober.probe(from.netns(), to.ip(), port, protocol, timeoutMillis))));
                }
            }
            List<Prober.Result> results = new ArrayList<>(futures.size());
            for (Future<Prober.Result> future : futures) {
                results.add(future.get());
            }
            return new Result(port, protocol, results);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof LabException lab ? lab : new LabException("probe matrix: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("probe matrix: interrupted");
        }
    }

    /**
     * The e2e suite's notation: '.' reachable, 'X' not; rows are sources, columns destinations; a summary
     * line follows. {@code pods} gives the order of rows and columns.
     */
    public static String render(Result result, List<String> pods) {
        Map<String, Boolean> cells = new HashMap<>();
        long reachable = 0;
        for (Prober.Result r : result.results()) {
            cells.put(r.from() + " " + r.to(), r.reachable());
            reachable += r.reachable() ? 1 : 0;
        }
        String table = table(result.protocol() + "/" + result.port(), pods, (from, to) -> {
            Boolean cell = cells.get(from + " " + to);
            return cell == null ? '?' : cell ? '.' : 'X';
        });
        return table + String.format("%d of %d reachable ('.' reachable, 'X' not; rows are sources)%n", reachable, result.results().size());
    }

    /**
     * A square table of one character per ordered pair of pods: rows are sources, columns destinations,
     * {@code corner} names what the table shows. Shared by {@code lab matrix} and the tests' expected/observed
     * printouts, so that both read the same way.
     */
    public static String table(String corner, List<String> pods, BiFunction<String, String, Character> cell) {
        int width = Math.max(corner.length(), pods.stream().mapToInt(String::length).max().orElse(1)) + 1;
        String column = "%-" + width + "s";
        StringBuilder out = new StringBuilder(String.format(column, corner));
        for (String to : pods) {
            out.append(String.format(column, to));
        }
        trimEnd(out).append('\n');
        for (String from : pods) {
            out.append(String.format(column, from));
            for (String to : pods) {
                out.append(String.format(column, cell.apply(from, to)));
            }
            trimEnd(out).append('\n');
        }
        return out.toString();
    }

    private static StringBuilder trimEnd(StringBuilder out) {
        while (!out.isEmpty() && out.charAt(out.length() - 1) == ' ') {
            out.setLength(out.length() - 1);
        }
        return out;
    }
}
