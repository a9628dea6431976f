package io.septum.cli.policy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UnifiedDiffTest {

    @Test
    void equalTextsHaveNoDiff() {
        assertThat(UnifiedDiff.of("a", "x\ny\n", "b", "x\ny\n")).isEmpty();
    }

    @Test
    void oneChangedLineWithThreeLinesOfContextEachSide() {
        String before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        String after = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
        assertThat(UnifiedDiff.of("stored", before, "file", after)).isEqualTo("""
                --- stored
                +++ file
                @@ -2,7 +2,7 @@
                 2
                 3
                 4
                -5
                +five
                 6
                 7
                 8
                """);
    }

    @Test
    void distantChangesAreSeparateHunksAndNearOnesOne() {
        StringBuilder before = new StringBuilder();
        for (int i = 1; i <= 20; i++) {
            before.append("l").append(i).append('\n');
        }
        String after = before.toString().replace("l2\n", "two\n").replace("l18\n", "eighteen\n");
        String diff = UnifiedDiff.of("a", before.toString(), "b", after);
        assertThat(diff.lines().filter(l -> l.startsWith("@@"))).containsExactly("@@ -1,5 +1,5 @@", "@@ -15,6 +15,6 @@");
        String near = before.toString().replace("l5\n", "five\n").replace("l9\n", "nine\n");
        assertThat(UnifiedDiff.of("a", before.toString(), "b", near).lines().filter(l -> l.startsWith("@@"))).hasSize(1);
    }

    @Test
    void createdAndDeletedObjectsDiffAgainstNothing() {
        assertThat(UnifiedDiff.of("a", "", "b", "kind: X\n")).isEqualTo("--- a\n+++ b\n@@ -0,0 +1,1 @@\n+kind: X\n");
        assertThat(UnifiedDiff.of("a", "kind: X\n", "b", "")).isEqualTo("--- a\n+++ b\n@@ -1,1 +0,0 @@\n-kind: X\n");
    }
}
