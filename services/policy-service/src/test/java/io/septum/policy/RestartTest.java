package io.septum.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.septum.model.kv.BucketRevisions;
import io.septum.model.kv.NodeStatus;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the service does when it starts, against state prepared before it starts: the bucket is rebuilt
 * from PostgreSQL (missing keys put, keys without a row deleted), and the latest status of every node is
 * read from the status stream.
 */
@QuarkusTest
@TestProfile(RestartTest.BeforeStart.class)
class RestartTest {

    static final String JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/septum_policy_test";
    static final String SEEDED_KEY = "networkpolicy.restart.seeded";
    static final String GHOST_KEY = "networkpolicy.restart.ghost";
    static final String NODE = "node-before-start";

    public static class BeforeStart implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(StateBeforeStart.class));
        }
    }

    /** Writes a row the bucket does not have, a bucket key without a row, and a node status, all before the start. */
    public static class StateBeforeStart implements QuarkusTestResourceLifecycleManager {
        static long seededRevision;

        @Override
        public Map<String, String> start() {
            try {
                Flyway.configure().dataSource(JDBC_URL, "septum", "septum").load().migrate();
                try (Connection db = DriverManager.getConnection(JDBC_URL, "septum", "septum")) {
                    db.createStatement().execute("delete from policies where namespace = 'restart'");
                    try (ResultSet rs = db.createStatement().executeQuery("insert into policy_revisions (revision, created_at, operation)"
                            + " values (nextval('policy_revision_seq'), now(), 'apply') returning revision")) {
                        rs.next();
                        seededRevision = rs.getLong(1);
                    }
                    try (PreparedStatement insert = db.prepareStatement("insert into policies"
                            + " (kind, namespace, name, revision, document, created_at, updated_at)"
                            + " values ('NetworkPolicy', 'restart', 'seeded', ?, ?::json, now(), now())")) {
                        insert.setLong(1, seededRevision);
                        insert.setString(2, """
                                {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy",
                                 "metadata":{"name":"seeded","namespace":"restart"},"spec":{"podSelector":{}}}""");
                        insert.executeUpdate();
                    }
                }
                TestNats.createPoliciesBucketIfMissing();
                TestNats.policies().delete(SEEDED_KEY);
                TestNats.policies().put(GHOST_KEY, "{\"kind\":\"NetworkPolicy\"}".getBytes(StandardCharsets.UTF_8));
                TestNats.publishStatus(new NodeStatus(NODE, System.currentTimeMillis(), BucketRevisions.NONE, 2, 1, List.of()));
            } catch (Exception e) {
                throw new IllegalStateException("prepare state before start: " + e.getMessage(), e);
            }
            return Map.of();
        }

        @Override
        public void stop() {
        }
    }

    @Test
    void bucketIsRebuiltFromPostgreSQL() throws Exception {
        Map<String, JsonNode> bucket = TestNats.bucketContents();
        assertThat(bucket).doesNotContainKey(GHOST_KEY).containsKey(SEEDED_KEY);
        JsonNode seeded = bucket.get(SEEDED_KEY);
        assertThat(seeded.get("revision").asLong()).isEqualTo(StateBeforeStart.seededRevision);
        assertThat(seeded.at("/document/metadata/name").asText()).isEqualTo("seeded");

        // Every stored object, and nothing else, with its revision.
        Map<String, Long> stored = new TreeMap<>();
        JsonPath list = given().get("/v1/policies").then().statusCode(200).extract().jsonPath();
        for (Map<String, Object> item : list.<Map<String, Object>>getList("items")) {
            stored.put("networkpolicy." + item.get("namespace") + "." + item.get("name"), ((Number) item.get("revision")).longValue());
        }
        Map<String, Long> distributed = new TreeMap<>();
        bucket.forEach((key, record) -> distributed.put(key, record.get("revision").asLong()));
        assertThat(distributed).isEqualTo(stored);
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void latestStatusOfEveryNodeIsReadAtStart() {
        await().untilAsserted(() -> {
            JsonPath status = given().get("/v1/status").then().extract().jsonPath();
            assertThat(status.getMap("nodes.find { it.node == '" + NODE + "' }")).as(status.prettify())
                    .isNotNull().containsEntry("endpoints", 2);
        });
    }
}
