package io.septum.cli.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.septum.cli.CliEnvironment;
import io.septum.cli.lab.LabController;
import io.septum.cli.lab.LabState;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Waits until every node enforces every change made before the call: policy-service's status names the
 * latest revision of each bucket (policies, identities, ipcache), and each node reports the revisions it has
 * written to its maps. Nodes of the running lab must all report; a stale node counts only if it is one of them.
 */
public final class PolicyWait {

    private PolicyWait() {
    }

    /** True once every node is at the targets read at the start; false after {@code limit}, with what is behind on {@code err}. */
    public static boolean until(Duration limit, PrintStream out, PrintStream err) throws InterruptedException {
        JsonNode status = PolicyService.status();
        JsonNode targets = status.path("targets");
        Set<String> expected = labNodes();
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            List<String> behind = behind(status, targets, expected);
            if (behind.isEmpty()) {
                long live = 0;
                for (JsonNode node : status.path("nodes")) {
                    live += node.path("stale").asBoolean() ? 0 : 1;
                }
                out.printf("enforced on %d node(s): policies@%d identities@%d ipcache@%d%n", live,
                        targets.path("policies").asLong(), targets.path("identities").asLong(), targets.path("ipcache").asLong());
                return true;
            }
            if (System.nanoTime() > deadline) {
                err.println("timed out after " + limit.toMillis() + " ms waiting for: " + String.join("; ", behind));
                return false;
            }
            Thread.sleep(50);
            status = PolicyService.status();
        }
    }

    /** Nodes not yet enforcing the targets, with why. */
    static List<String> behind(JsonNode status, JsonNode targets, Set<String> expected) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (JsonNode node : status.path("nodes")) {
            String name = node.path("node").asText();
            seen.add(name);
            if (node.path("stale").asBoolean()) {
                if (expected.contains(name)) {
                    out.add(name + " has not reported since " + node.path("lastSeen").asText());
                }
                continue;
            }
            JsonNode applied = node.path("applied");
            for (String bucket : List.of("policies", "identities", "ipcache")) {
                if (applied.path(bucket).asLong() < targets.path(bucket).asLong()) {
                    out.add(name + " at " + bucket + "@" + applied.path(bucket).asLong() + " of " + targets.path(bucket).asLong());
                }
            }
        }
        for (String name : expected) {
            if (!seen.contains(name)) {
                out.add(name + " has not reported yet");
            }
        }
        return out;
    }

    /** The nodes of the running lab, if any: each of them must report. */
    private static Set<String> labNodes() {
        Set<String> out = new TreeSet<>();
        new LabController(CliEnvironment.fromSystem()).state().map(LabState::nodes)
                .ifPresent(nodes -> nodes.forEach(n -> out.add(n.name())));
        return out;
    }

    /** Parses durations like 500ms, 30s, 2m; errors name {@code option}. */
    public static Duration parseDuration(String option, String text) {
        String v = text.trim();
        try {
            Duration d = null;
            if (v.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            } else if (v.endsWith("s")) {
                d = Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            } else if (v.endsWith("m")) {
                d = Duration.ofSeconds(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60));
            }
            if (d != null && !d.isNegative()) {
                return d;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException(option + ": '" + text + "' is not a duration (e.g. 500ms, 30s, 2m)");
    }
}
