package io.septum.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.septum.cli.lab.Matrix;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which ordered pairs of lab pods reach each other on one {@link ProbePort}: the expectation a test builds
 * and the observation {@code lab matrix} returns, compared cell by cell. As in the Kubernetes e2e suite, a
 * pod always reaches itself (its own address is local to its namespace, so policy never sees that traffic):
 * expectations cannot say otherwise.
 *
 * <p>An expectation starts from "everything reachable" and is narrowed and widened in order, each step
 * overriding the cells it selects, so a test reads as the policy does: deny everything into x/a, then
 * allow into x/a from namespace y.
 */
public final class Reachability {

    private final ProbePort probe;
    private final List<LabPod> pods;
    private final Map<String, Boolean> cells = new LinkedHashMap<>();

    private Reachability(ProbePort probe, List<LabPod> pods) {
        this.probe = probe;
        this.pods = List.copyOf(pods);
    }

    /** Every pod reaches every pod on {@code probe}: what no policy means. */
    public static Reachability allReachable(ProbePort probe, List<LabPod> pods) {
        Reachability r = new Reachability(probe, pods);
        for (LabPod from : pods) {
            for (LabPod to : pods) {
                r.cells.put(cell(from, to), true);
            }
        }
        return r;
    }

    /** A {@code lab matrix --json} answer over {@code pods}; fails if it misses or adds a pair. */
    public static Reachability observed(JsonNode matrix, List<LabPod> pods) {
        ProbePort probe = new ProbePort(matrix.path("port").asInt(), matrix.path("protocol").asText());
        Reachability r = new Reachability(probe, pods);
        for (JsonNode result : matrix.path("results")) {
            r.cells.put(result.path("from").asText() + " -> " + result.path("to").asText(), result.path("reachable").asBoolean());
        }
        if (r.cells.size() != pods.size() * pods.size()) {
            throw new AssertionError(probe + " matrix has " + r.cells.size() + " cells for " + pods.size() + " pods: " + matrix);
        }
        return r;
    }

    public ProbePort probe() {
        return probe;
    }

    /** From every pod {@code from} selects to every pod {@code to} selects: not reachable. */
    public Reachability deny(Predicate<LabPod> from, Predicate<LabPod> to) {
        return set(from, to, false);
    }

    /** From every pod {@code from} selects to every pod {@code to} selects: reachable. */
    public Reachability allow(Predicate<LabPod> from, Predicate<LabPod> to) {
        return set(from, to, true);
    }

    /** Nothing reaches the selected pods (their ingress is isolated and nothing is allowed). */
    public Reachability denyInto(Predicate<LabPod> to) {
        return deny(LabPod.any(), to);
    }

    /** The selected pods reach nothing (their egress is isolated and nothing is allowed). */
    public Reachability denyFrom(Predicate<LabPod> from) {
        return deny(from, LabPod.any());
    }

    private Reachability set(Predicate<LabPod> from, Predicate<LabPod> to, boolean reachable) {
        int changed = 0;
        for (LabPod f : pods) {
            for (LabPod t : pods) {
                if (from.test(f) && to.test(t)) {
                    cells.put(cell(f, t), reachable);
                    changed++;
                }
            }
        }
        if (changed == 0) {
            throw new IllegalArgumentException("the selection matches no pair of pods: the expectation has a typo");
        }
        return this;
    }

    public boolean reachable(LabPod from, LabPod to) {
        return from.equals(to) || cells.get(cell(from, to));
    }

    /**
     * Compares this expectation with an observation; empty when they agree, otherwise a printout of the
     * differing pairs and of the expected, observed and comparison tables (rows are sources).
     */
    public Optional<String> differencesFrom(Reachability observed) {
        List<String> wrong = new ArrayList<>();
        for (LabPod from : pods) {
            for (LabPod to : pods) {
                boolean expected = reachable(from, to);
                boolean actual = observed.cells.get(cell(from, to));
                if (expected != actual) {
                    wrong.add("  " + cell(from, to) + ": expected " + word(expected) + ", observed " + word(actual));
                }
            }
        }
        if (wrong.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(probe + ": " + wrong.size() + " of " + cells.size() + " pairs differ\n"
                + String.join("\n", wrong) + "\n"
                + "expected:\n" + table(this::reachable)
                + "observed:\n" + table((f, t) -> observed.cells.get(cell(f, t)))
                + "comparison ('.' as expected, 'X' differs):\n"
                + table((f, t) -> reachable(f, t) == observed.cells.get(cell(f, t))));
    }

    /** '.' reachable, 'X' not: the table {@code lab matrix} prints. */
    @Override
    public String toString() {
        return table(this::reachable);
    }

    private String table(java.util.function.BiPredicate<LabPod, LabPod> dot) {
        Map<String, LabPod> byKey = new LinkedHashMap<>();
        pods.forEach(p -> byKey.put(p.key(), p));
        return Matrix.table(probe.toString(), List.copyOf(byKey.keySet()),
                (from, to) -> dot.test(byKey.get(from), byKey.get(to)) ? '.' : 'X');
    }

    private static String word(boolean reachable) {
        return reachable ? "reachable" : "NOT reachable";
    }

    private static String cell(LabPod from, LabPod to) {
        return from.key() + " -> " + to.key();
    }
}
