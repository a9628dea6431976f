package io.septum.cli.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two texts by lines (longest common subsequence), as {@code diff -u} prints it: hunks of
 * changed lines with up to {@code CONTEXT} unchanged lines around them. Policy documents are small (tens
 * to hundreds of lines), so the quadratic table is cheap.
 */
public final class UnifiedDiff {

    static final int CONTEXT = 3;

    private UnifiedDiff() {
    }

    /** The diff from {@code before} to {@code after} under the two labels; empty when the texts are equal. */
    public static String of(String beforeLabel, String before, String afterLabel, String after) {
        List<String> a = lines(before);
        List<String> b = lines(after);
        List<Edit> edits = edits(a, b);
        if (edits.stream().allMatch(e -> e.kind == ' ')) {
            return "";
        }
        StringBuilder out = new StringBuilder("--- ").append(beforeLabel).append('\n')
                .append("+++ ").append(afterLabel).append('\n');
        int i = 0;
        while (i < edits.size()) {
            if (edits.get(i).kind == ' ') {
                i++;
                continue;
            }
            // A hunk: from CONTEXT lines before this change to CONTEXT lines after the last change that is
            // at most 2 * CONTEXT unchanged lines away from the previous one.
            int start = Math.max(0, i - CONTEXT);
            int end = i;
            int unchanged = 0;
            for (int j = i; j < edits.size(); j++) {
                if (edits.get(j).kind == ' ') {
                    if (++unchanged > 2 * CONTEXT) {
                        break;
                    }
                } else {
                    unchanged = 0;
                    end = j;
                }
            }
            end = Math.min(edits.size() - 1, end + CONTEXT);
            Edit first = edits.get(start);
            int aCount = 0;
            int bCount = 0;
            for (int j = start; j <= end; j++) {
                aCount += edits.get(j).kind != '+' ? 1 : 0;
                bCount += edits.get(j).kind != '-' ? 1 : 0;
            }
            out.append("@@ -").append(range(first.aLine, aCount)).append(" +").append(range(first.bLine, bCount)).append(" @@\n");
            for (int j = start; j <= end; j++) {
                out.append(edits.get(j).kind).append(edits.get(j).text).append('\n');
            }
            i = end + 1;
        }
        return out.toString();
    }

    /** One line of the diff: ' ' kept, '-' only in before, '+' only in after; line numbers 1-based before it applies. */
    private record Edit(char kind, String text, int aLine, int bLine) {
    }

    private static List<Edit> edits(List<String> a, List<String> b) {
        int[][] common = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                common[i][j] = a.get(i).equals(b.get(j)) ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<Edit> edits = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                edits.add(new Edit(' ', a.get(i), i + 1, j + 1));
                i++;
                j++;
            } else if (i < a.size() && (j == b.size() || common[i + 1][j] >= common[i][j + 1])) {
                // Removed lines before added ones, as diff prints a replaced line.
                edits.add(new Edit('-', a.get(i), i + 1, j + 1));
                i++;
            } else {
                edits.add(new Edit('+', b.get(j), i + 1, j + 1));
                j++;
            }
        }
        return edits;
    }

    /** diff -u's range: "start,count", with start one less when the range is empty. */
    private static String range(int start, int count) {
        return (count == 0 ? start - 1 : start) + "," + count;
    }

    private static List<String> lines(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        String[] parts = text.split("\n", -1);
        // A final newline ends the last line; it does not start another.
        return List.of(parts).subList(0, text.endsWith("\n") ? parts.length - 1 : parts.length);
    }
}
