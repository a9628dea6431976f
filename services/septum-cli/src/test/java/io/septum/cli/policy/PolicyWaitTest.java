package io.septum.cli.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyWaitTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void durationsInMillisecondsSecondsAndMinutes() {
        assertThat(PolicyWait.parseDuration("--timeout", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(PolicyWait.parseDuration("--timeout", "1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(PolicyWait.parseDuration("--timeout", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> PolicyWait.parseDuration("--timeout", "10")).hasMessage("--timeout: '10' is not a duration (e.g. 500ms, 30s, 2m)");
        assertThatThrownBy(() -> PolicyWait.parseDuration("--timeout", "-1s")).hasMessageContaining("is not a duration");
    }

    @Test
    void aNodeIsBehindUntilItHasAppliedEveryBucketsTarget() throws Exception {
        JsonNode targets = JSON.readTree("{\"policies\": 5, \"identities\": 7, \"ipcache\": 9}");
        JsonNode status = JSON.readTree("""
                {"nodes": [
                  {"node": "node-0", "stale": false, "applied": {"policies": 5, "identities": 7, "ipcache": 9}},
                  {"node": "node-1", "stale": false, "applied": {"policies": 4, "identities": 7, "ipcache": 9}},
                  {"node": "old", "stale": true, "lastSeen": "2026-01-01T00:00:00Z", "applied": {}}
                ]}""");
        assertThat(PolicyWait.behind(status, targets, Set.of("node-0", "node-1", "node-2")))
                .containsExactly("node-1 at policies@4 of 5", "node-2 has not reported yet");
        assertThat(PolicyWait.behind(status, targets, Set.of("old"))).contains("old has not reported since 2026-01-01T00:00:00Z");
    }
}
