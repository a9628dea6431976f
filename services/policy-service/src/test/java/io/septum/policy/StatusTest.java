package io.septum.policy;

import io.nats.client.PurgeOptions;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.septum.model.kv.BucketRevisions;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.NodeStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Other modules' tests may write the identities and ipcache buckets of the test NATS at the same time, so
 * the targets can move under a test: reports here are either ahead of any target or plainly behind.
 */
@QuarkusTest
class StatusTest {

    static final BucketRevisions AHEAD = new BucketRevisions(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);

    @BeforeEach
    void somePolicy() {
        Policies.givenYaml().body(Policies.yaml("status", "p", 80)).post("/v1/policies").then().statusCode(200);
    }

    static JsonPath status() {
        return given().get("/v1/status").then().statusCode(200).extract().jsonPath();
    }

    static BucketRevisions targets(JsonPath status) {
        return new BucketRevisions(status.getLong("targets.policies"), status.getLong("targets.identities"),
                status.getLong("targets.ipcache"));
    }

    static Map<String, Object> node(JsonPath status, String node) {
        return status.getMap("nodes.find { it.node == '" + node + "' }");
    }

    @Test
    void targetsAreTheLastRevisionsOfTheBucketStreams() throws Exception {
        long identities = TestNats.lastSequence("KV_identities");
        long ipcache = TestNats.lastSequence("KV_ipcache");
        BucketRevisions before = targets(status());
        assertThat(before.policies()).isEqualTo(TestNats.lastSequence("KV_policies")).isPositive();
        assertThat(before.identities()).isBetween(identities, TestNats.lastSequence("KV_identities"));
        assertThat(before.ipcache()).isBetween(ipcache, TestNats.lastSequence("KV_ipcache"));

        long revision = Policies.givenYaml().body(Policies.yaml("status", "p", 81)).post("/v1/policies")
                .then().extract().jsonPath().getLong("revision");
        JsonPath after = status();
        // The apply answered after the bucket write was acknowledged: the target already includes it.
        assertThat(targets(after).policies()).isGreaterThan(before.policies());
        assertThat(after.getLong("revision")).isEqualTo(revision);
    }

    @Test
    void reportsEachNodeAndWhetherItRealizedTheTargets() throws Exception {
        TestNats.publishStatus(new NodeStatus("node-a", System.currentTimeMillis(), AHEAD, 3, 2, List.of()));
        TestNats.publishStatus(new NodeStatus("node-b", System.currentTimeMillis(),
                new BucketRevisions(0, Long.MAX_VALUE, Long.MAX_VALUE), 5, 5, List.of("policy map of endpoint 7 would overflow")));

        await().untilAsserted(() -> {
            JsonPath status = status();
            Map<String, Object> a = node(status, "node-a");
            assertThat(a).isNotNull().containsEntry("realized", true).containsEntry("stale", false)
                    .containsEntry("endpoints", 3).containsEntry("endpointsReady", 2);
            assertThat(Instant.parse((String) a.get("lastSeen"))).isCloseTo(Instant.now(), within(5, ChronoUnit.SECONDS));
            Map<String, Object> b = node(status, "node-b");
            assertThat(b).isNotNull().containsEntry("realized", false).containsEntry("stale", false)
                    .containsEntry("problems", List.of("policy map of endpoint 7 would overflow"));
            assertThat(status.getInt("totalNodes")).isEqualTo(status.getList("nodes").size());
            assertThat(status.getInt("realizedNodes")).isEqualTo(status.getList("nodes.findAll { it.realized }").size());
        });

        // The node catches up: realized.
        TestNats.publishStatus(new NodeStatus("node-b", System.currentTimeMillis(), AHEAD, 5, 5, List.of()));
        await().untilAsserted(() -> assertThat(node(status(), "node-b")).containsEntry("realized", true));
    }

    @Test
    void aNodeNotHeardFromIsStaleAndNotRealized() throws Exception {
        TestNats.publishStatus(new NodeStatus("node-stale", System.currentTimeMillis(), AHEAD, 1, 1, List.of()));
        await().untilAsserted(() -> assertThat(node(status(), "node-stale")).containsEntry("stale", false)
                .containsEntry("realized", true));
        // septum.status.stale-after is 3 s in tests.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(node(status(), "node-stale"))
                .containsEntry("stale", true).containsEntry("realized", false));
    }

    @Test
    void aMalformedReportDoesNotStopTheOthers() throws Exception {
        TestNats.publishRaw(Buckets.STATUS_SUBJECT_PREFIX + "node-garbage", "not json".getBytes(StandardCharsets.UTF_8));
        TestNats.publishStatus(new NodeStatus("node-after-garbage", System.currentTimeMillis(), AHEAD, 0, 0, List.of()));
        try {
            await().untilAsserted(() -> assertThat(node(status(), "node-after-garbage")).isNotNull());
            assertThat(node(status(), "node-garbage")).isNull();
        } finally {
            // The stream would keep it as that node's latest report, and every later start would skip it again.
            TestNats.connection().jetStreamManagement().purgeStream(Buckets.STATUS_STREAM,
                    PurgeOptions.subject(Buckets.STATUS_SUBJECT_PREFIX + "node-garbage"));
        }
    }

    @Test
    void theStatusStreamKeepsTheLastReportOfEachNode() throws Exception {
        StreamConfiguration config = TestNats.connection().jetStreamManagement().getStreamInfo(Buckets.STATUS_STREAM).getConfiguration();
        assertThat(config.getSubjects()).containsExactly(Buckets.STATUS_SUBJECT_PREFIX + ">");
        assertThat(config.getRetentionPolicy()).isEqualTo(RetentionPolicy.Limits);
        assertThat(config.getMaxMsgsPerSubject()).isEqualTo(1);
        assertThat(config.getStorageType()).isEqualTo(StorageType.File);
    }
}
