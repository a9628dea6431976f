package io.septum.enforcer.controlplane.resolve;

import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How many policy map entries one endpoint may use, and how many all endpoints of the node share (the policy
 * map's capacity). An endpoint whose policy would go beyond either keeps enforcing its previous policy and
 * reports why: never a half-written one.
 *
 * @param perEndpoint entries one endpoint may use; at most {@code mapCapacity}
 * @param mapCapacity the policy map's max_entries (as pinned: a re-opened map keeps the size it was created with)
 */
public record PolicyBudget(int perEndpoint, int mapCapacity) {

    public static final int DEFAULT_PER_ENDPOINT = 65_536;
    /** Rules named in an over-budget report. */
    private static final int RULES_REPORTED = 3;

    public PolicyBudget {
        if (perEndpoint <= 0 || mapCapacity <= 0) {
            throw new IllegalArgumentException("policy budgets must be positive: " + perEndpoint + " per endpoint, " + mapCapacity + " in the map");
        }
        if (perEndpoint > mapCapacity) {
            throw new IllegalArgumentException("the per-endpoint policy budget (" + perEndpoint
                    + " entries) exceeds the policy map's capacity (" + mapCapacity + " entries)");
        }
    }

    /**
     * Why {@code desired} must not be written for {@code endpoint}, if it must not.
     *
     * @param newKeys  keys of {@code desired} the endpoint does not have yet (written before stale ones are deleted,
     *                 so the map briefly holds both)
     * @param mapUsed  entries the policy map holds now, all endpoints together
     */
    public Optional<String> refusal(String endpoint, Resolution desired, int newKeys, int mapUsed) {
        int needed = desired.state().size();
        if (needed > perEndpoint) {
            return Optional.of(String.format(Locale.ROOT,
                    "endpoint %s: its policy needs %,d map entries, more than the per-endpoint budget of %,d (largest rules: %s); "
                            + "it keeps enforcing its previous policy", endpoint, needed, perEndpoint, largestRules(desired)));
        }
        if ((long) mapUsed + newKeys > mapCapacity) {
            return Optional.of(String.format(Locale.ROOT,
                    "endpoint %s: its policy needs %,d new map entries, but the policy map (capacity %,d) has %,d free; "
                            + "it keeps enforcing its previous policy", endpoint, newKeys, mapCapacity, Math.max(0, mapCapacity - mapUsed)));
        }
        return Optional.empty();
    }

    private static String largestRules(Resolution desired) {
        return desired.largestRules(RULES_REPORTED).entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %,d", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
    }

    /** For the start-up log: how the two numbers relate. */
    public String describe() {
        return String.format(Locale.ROOT, "policy map capacity %,d entries, at most %,d per endpoint (%,d endpoints at their full budget)",
                mapCapacity, perEndpoint, mapCapacity / perEndpoint);
    }
}
