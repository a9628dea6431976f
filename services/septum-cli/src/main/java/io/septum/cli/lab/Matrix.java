package io.septum.cli.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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

    /** The e2e suite's notation: '.' reachable, 'X' not; rows are sources, columns destinations. */
    public static String render(Result result, List<String> pods) {
        String corner = result.protocol() + "/" + result.port();
        int width = Math.max(corner.length(), pods.stream().mapToInt(String::length).max().orElse(4)) + 1;
        StringBuilder out = new StringBuilder(String.format("%-" + width + "s", corner));
        for (String to : pods) {
            out.append(String.format("%-" + width + "s", to));
        }
        out.append('\n');
        int i = 0;
        for (String from : pods) {
            out.append(String.format("%-" + width + "s", from));
            for (int j = 0; j < pods.size(); j++) {
                out.append(String.format("%-" + width + "s", result.results().get(i++).reachable() ? "." : "X"));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
