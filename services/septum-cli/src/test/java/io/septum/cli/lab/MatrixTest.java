package io.septum.cli.lab;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MatrixTest {

    private static final List<String> PODS = List.of("x/a", "x/b", "y/a");

    private static Matrix.Result result(String protocol, int port, boolean... reachable) {
        List<Prober.Result> results = new ArrayList<>();
        int i = 0;
        for (String from : PODS) {
            for (String to : PODS) {
                results.add(new Prober.Result(from, to, port, protocol, reachable[i++]));
            }
        }
        return new Matrix.Result(port, protocol, results);
    }

    @Test
    void rendersTheE2eNotationWithRowsAsSourcesAndASummary() {
        String table = Matrix.render(result("TCP", 80,
                true, true, false,
                false, true, false,
                true, true, true), PODS);
        assertThat(table).isEqualTo("""
                TCP/80 x/a    x/b    y/a
                x/a    .      .      X
                x/b    X      .      X
                y/a    .      .      .
                6 of 9 reachable ('.' reachable, 'X' not; rows are sources)
                """);
    }

    @Test
    void theOrderOfPodsDecidesRowsAndColumnsWhateverTheOrderOfResults() {
        Matrix.Result r = result("UDP", 81, true, false, false, false, true, false, false, false, true);
        List<Prober.Result> reversed = new ArrayList<>(r.results());
        java.util.Collections.reverse(reversed);
        assertThat(Matrix.render(new Matrix.Result(81, "UDP", reversed), PODS)).isEqualTo(Matrix.render(r, PODS));
    }

    @Test
    void aPairWithoutAResultShowsAsUnknown() {
        Matrix.Result r = new Matrix.Result(80, "TCP", List.of(new Prober.Result("x/a", "x/b", 80, "TCP", true)));
        assertThat(Matrix.render(r, List.of("x/a", "x/b"))).startsWith("""
                TCP/80 x/a    x/b
                x/a    ?      .
                x/b    ?      ?
                """);
    }

    @Test
    void columnsAreAsWideAsTheLongestPodNameAndNoLineEndsInSpaces() {
        String table = Matrix.table("TCP/80", List.of("default/frontend", "default/b"), (from, to) -> from.equals(to) ? '.' : 'X');
        assertThat(table.lines()).containsExactly(
                "TCP/80           default/frontend default/b",
                "default/frontend .                X",
                "default/b        X                .");
    }
}
