package io.septum.flows;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.septum.model.flows.FlowBatch;
import io.septum.model.flows.FlowRecord;
import io.septum.model.policy.PolicyObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * flow-service on the real test NATS: a cluster written into the buckets as the services write them, flow batches
 * published as an enforcer publishes them, and the flows read back named, filtered, mapped, counted and followed.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlowApiTest {

    static final String NODE = "flowtest-node";
    static final int FRONTEND = 990001;
    static final int BACKEND = 990002;
    static final int OTHER = 990003;
    // Monotonic times of the records; the batch offset puts them one minute before now.
    static final long OFFSET = Instant.now().minusSeconds(60).toEpochMilli() * 1_000_000L;

    TestCluster cluster;
    PolicyObject policy;
    int allowRule;

    /** Once, before the first test (RestAssured knows the service's port only per test, not in a BeforeAll). */
    @BeforeEach
    void writeCluster() throws Exception {
        if (cluster != null) {
            return;
        }
        // Generous bounds throughout: this machine is shared, and a first request may wait for a loaded CPU.
        await().atMost(Duration.ofSeconds(60)).until(() -> given().get("/q/health/ready").statusCode() == 200);
        cluster = new TestCluster();
        cluster.identity(FRONTEND, "k8s:app=frontend", "k8s:io.kubernetes.pod.namespace=flowtest");
        cluster.identity(BACKEND, "k8s:app=backend", "k8s:io.kubernetes.pod.namespace=flowtest");
        cluster.identity(OTHER, "k8s:app=other", "k8s:io.kubernetes.pod.namespace=flowtest");
        cluster.pod("10.99.0.1", FRONTEND, NODE, "flowtest", "frontend");
        cluster.pod("10.99.0.2", BACKEND, NODE, "flowtest", "backend");
        cluster.pod("10.99.0.3", OTHER, NODE, "flowtest", "other");
        policy = cluster.policy("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: backend-access, namespace: flowtest}
                spec:
                  podSelector: {matchLabels: {app: backend}}
                  ingress:
                    - from: [{podSelector: {matchLabels: {app: frontend}}}]
                  policyTypes: [Ingress]
                """);
        allowRule = policy.toRules().getFirst().rules().getFirst().ref().number();
        // The service names flows from what it has received: wait until it knows the policy's rule.
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            publish(1, List.of(TestCluster.record(1_000, "10.99.0.1", FRONTEND, 40000, "10.99.0.2", BACKEND, 80, 6, 0, 0, 0, 0x02, allowRule)));
            return flows("node", NODE, "from-pod", "flowtest/frontend").getList("items").size() > 0
                    && flows("node", NODE).getString("items[-1].rule").contains("backend-access");
        });
        publish(2, List.of(
                // other -> backend:80 dropped by the default deny of backend-access
                TestCluster.record(2_000, "10.99.0.3", OTHER, 40001, "10.99.0.2", BACKEND, 80, 6, 1, 1, 0, 0x02, 0),
                TestCluster.record(3_000, "10.99.0.3", OTHER, 40001, "10.99.0.2", BACKEND, 80, 6, 1, 1, 0, 0x02, 0),
                // backend -> the world, forwarded, UDP
                TestCluster.record(4_000, "10.99.0.2", BACKEND, 5353, "8.8.8.8", 2, 53, 17, 0, 0, 1, 0, 0)));
    }

    @AfterAll
    void removeCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    void publish(long sequence, List<FlowRecord> records) {
        cluster.publish(new FlowBatch(NODE, sequence, OFFSET, 7, 3, records));
    }

    static JsonPath flows(String... params) {
        return given().queryParams(pairs(params)).get("/v1/flows").then().statusCode(200).extract().jsonPath();
    }

    static Map<String, Object> pairs(String... params) {
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            map.merge(params[i], params[i + 1], (a, b) -> a instanceof List<?> l ? concat(l, b) : List.of(a, b));
        }
        return map;
    }

    private static List<Object> concat(List<?> list, Object more) {
        List<Object> out = new java.util.ArrayList<>(list);
        out.add(more);
        return out;
    }

    @Test
    void aDropIsNamedWithItsReasonAndThePolicyWhoseDefaultDenyDroppedIt() {
        await().atMost(Duration.ofSeconds(30)).until(() -> flows("node", NODE, "verdict", "DROPPED").getList("items").size() == 2);
        JsonPath drop = flows("node", NODE, "verdict", "DROPPED", "last", "1");

        assertThat(drop.getString("items[0].dropReason")).isEqualTo("POLICY_DENIED");
        assertThat(drop.getString("items[0].direction")).isEqualTo("INGRESS");
        assertThat(drop.getString("items[0].protocol")).isEqualTo("TCP");
        assertThat(drop.getList("items[0].tcpFlags")).containsExactly("SYN");
        assertThat(drop.getString("items[0].source.name")).isEqualTo("flowtest/other");
        assertThat(drop.getString("items[0].destination.pod")).isEqualTo("backend");
        assertThat(drop.getString("items[0].destination.node")).isEqualTo(NODE);
        assertThat(drop.getList("items[0].destination.labels")).contains("k8s:app=backend");
        assertThat(drop.getList("items[0].policies")).containsExactly("NetworkPolicy flowtest/backend-access");
        assertThat(drop.getString("items[0].rule")).isEmpty();
        assertThat(drop.getString("items[0].summary")).isEqualTo(
                "flowtest/other:40001 -> flowtest/backend:80 TCP SYN DROPPED (POLICY_DENIED) by default deny of NetworkPolicy flowtest/backend-access");
        assertThat(Instant.parse(drop.getString("items[0].time"))).isEqualTo(Instant.ofEpochSecond(0, OFFSET + 3_000));
    }

    @Test
    void anAllowedConnectionNamesItsRule() {
        JsonPath allowed = flows("node", NODE, "from-pod", "flowtest/frontend", "last", "1");

        assertThat(allowed.getString("items[0].verdict")).isEqualTo("FORWARDED");
        assertThat(allowed.getString("items[0].rule")).isEqualTo("NetworkPolicy flowtest/backend-access ingress[0]");
        assertThat(allowed.getList("items[0].policies")).containsExactly("NetworkPolicy flowtest/backend-access");
    }

    @Test
    void reservedIdentitiesAreNamedByTheirEntity() {
        await().atMost(Duration.ofSeconds(30)).until(() -> flows("node", NODE, "protocol", "UDP").getList("items").size() == 1);
        JsonPath world = flows("node", NODE, "protocol", "UDP");

        assertThat(world.getString("items[0].destination.name")).isEqualTo("world");
        assertThat(world.getList("items[0].destination.labels")).containsExactly("reserved:world");
        assertThat(world.getString("items[0].direction")).isEqualTo("EGRESS");
    }

    @Test
    void filtersCombine() {
        await().atMost(Duration.ofSeconds(30)).until(() -> flows("node", NODE).getList("items").size() >= 4);

        assertThat(flows("node", NODE, "to-pod", "flowtest/backend", "verdict", "DROPPED").getList("items")).hasSize(2);
        assertThat(flows("node", NODE, "verdict", "DROPPED", "verdict", "FORWARDED", "to-port", "80").getList("items").size())
                .isGreaterThanOrEqualTo(3);
        assertThat(flows("node", NODE, "pod", "flowtest/backend", "not.verdict", "DROPPED", "not.protocol", "TCP").getList("items.summary"))
                .isNotEmpty().allMatch(s -> !s.toString().contains("DROPPED"));
        assertThat(flows("node", NODE, "label", "app=backend", "not.to-label", "app=backend").getList("items.destination.name"))
                .containsExactly("world");
        assertThat(flows("node", NODE, "ip", "10.99.0.0/24", "drop-reason", "policy-denied", "last", "1").getList("items")).hasSize(1);
        assertThat(flows("node", NODE, "since", "10s").getList("items")).isEmpty();
        assertThat(flows("node", NODE, "until", "10s", "from-identity", Integer.toString(OTHER), "to-port", "80").getList("items")).hasSize(2);
    }

    @Test
    void conflictingFiltersAreRejectedNamingBoth() {
        JsonPath error = given().queryParam("from-pod", "a/b").queryParam("pod", "a/c").queryParam("drop-reason", "nonsense")
                .get("/v1/flows").then().statusCode(400).extract().jsonPath();

        assertThat(error.getString("message")).startsWith("list flows: ");
        assertThat(error.getList("errors.path")).containsExactlyInAnyOrder("from-pod", "drop-reason");
        assertThat(error.getString("errors.find { it.path == 'from-pod' }.message"))
                .isEqualTo("conflicts with pod: pod already matches either side; use from-pod and to-pod, or pod alone");
        assertThat(error.getString("errors.find { it.path == 'drop-reason' }.message")).startsWith("'NONSENSE' is not one of [");
        given().queryParam("until", "1m").get("/v1/flows/follow").then().statusCode(400);
    }

    @Test
    void theServiceMapCountsEdges() {
        await().atMost(Duration.ofSeconds(30)).until(() -> flows("node", NODE).getList("items").size() >= 4);
        JsonPath map = given().queryParam("node", NODE).get("/v1/servicemap").then().statusCode(200).extract().jsonPath();

        assertThat(map.getLong("edges.find { it.source == 'flowtest/other' && it.destination == 'flowtest/backend' }.dropped")).isEqualTo(2);
        assertThat(map.getLong("edges.find { it.source == 'flowtest/other' }.forwarded")).isZero();
        assertThat(map.getLong("edges.find { it.source == 'flowtest/frontend' }.forwarded")).isPositive();
        assertThat(map.getInt("edges.find { it.destination == 'world' }.port")).isEqualTo(53);
    }

    @Test
    void lossesAndCountsAreReported() {
        String metrics = given().get("/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("septum_flows_total{node=\"" + NODE + "\",verdict=\"DROPPED\",reason=\"POLICY_DENIED\",direction=\"INGRESS\"} 2");
        assertThat(metrics).contains("septum_flow_losses_total{node=\"" + NODE + "\",where=\"ring_buffer\"} 7");
        assertThat(metrics).contains("septum_flow_losses_total{node=\"" + NODE + "\",where=\"exporter\"} 3");

        // Batch 5 after 2: batches 3 and 4 never arrived.
        publish(5, List.of(TestCluster.record(5_000, "10.99.0.3", OTHER, 40002, "10.99.0.1", FRONTEND, 22, 6, 0, 0, 0, 0x02, 0)));
        cluster.publishRaw(NODE, new byte[] {1, 2, 3});
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonPath status = given().get("/v1/status").then().statusCode(200).extract().jsonPath();
            assertThat(status.getLong("nodes.find { it.node == '" + NODE + "' }.missingBatches")).isEqualTo(2);
            assertThat(status.getLong("undecodableMessages")).isPositive();
            assertThat(status.getList("dropReasons")).contains("POLICY_DENIED", "NONE");
        });
        assertThat(given().get("/metrics").then().extract().asString())
                .contains("septum_flow_batches_missing_total{node=\"" + NODE + "\"} 2");
    }
}
