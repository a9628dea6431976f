package io.septum.flows.ingest;

import java.time.Instant;

/**
 * Formats times as {@link Instant#toString()} does (ISO-8601 in UTC, the fraction in 3, 6 or 9 digits as needed), but
 * formats the date and time of day only once per second: flows arrive thousands per second, and the general formatter
 * was a fifth of the ingesting thread's time. Not thread-safe: one per ingesting thread.
 */
final class InstantText {

    private long cachedSecond = Long.MIN_VALUE;
    /** "2026-11-26T16:53:04" of {@link #cachedSecond}. */
    private String cachedPrefix = "";

    /** The text of {@code nanos} since the epoch, exactly as {@code Instant.ofEpochSecond(0, nanos).toString()}. */
    String format(long nanos) {
        long second = Math.floorDiv(nanos, 1_000_000_000L);
        int nano = (int) Math.floorMod(nanos, 1_000_000_000L);
        if (second != cachedSecond) {
            String whole = Instant.ofEpochSecond(second).toString(); // "...:04Z"
            cachedPrefix = whole.substring(0, whole.length() - 1);
            cachedSecond = second;
        }
        if (nano == 0) {
            return cachedPrefix + 'Z';
        }
        int digits;
        int value;
        if (nano % 1_000_000 == 0) {
            digits = 3;
            value = nano / 1_000_000;
        } else if (nano % 1_000 == 0) {
            digits = 6;
            value = nano / 1_000;
        } else {
            digits = 9;
            value = nano;
        }
        char[] fraction = new char[digits + 2];
        fraction[0] = '.';
        for (int i = digits; i >= 1; i--) {
            fraction[i] = (char) ('0' + value % 10);
            value /= 10;
        }
        fraction[digits + 1] = 'Z';
        return cachedPrefix.concat(new String(fraction));
    }
}
