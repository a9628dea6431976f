package io.septum.flows;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.septum.model.flows.FlowBatch;
import io.septum.model.policy.PolicyObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * flow-service with OTLP export on, to a real OTLP/HTTP receiver: a dropped flow published as an enforcer publishes
 * it arrives as a log record carrying its verdict, reason, both identities and pod names and the deciding policy.
 */
@QuarkusTest
@WithTestResource(OtlpReceiver.class)
class FlowOtlpExportTest {

    static final String NODE = "otlptest-node";
    static final int CLIENT = 990011;
    static final int SERVER = 990012;

    @Test
    void aDropArrivesAsALogRecordWithItsVerdictIdentitiesPodsAndPolicy() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> given().get("/q/health/ready").statusCode() == 200);
        TestCluster cluster = new TestCluster();
        try {
            cluster.identity(CLIENT, "k8s:app=client", "k8s:io.kubernetes.pod.namespace=flowtest");
            cluster.identity(SERVER, "k8s:app=server", "k8s:io.kubernetes.pod.namespace=flowtest");
            cluster.pod("10.99.2.1", CLIENT, NODE, "flowtest", "client");
            cluster.pod("10.99.2.2", SERVER, NODE, "flowtest", "server");
            PolicyObject policy = cluster.policy("""
                    apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: server-closed, namespace: flowtest}
                    spec:
                      podSelector: {matchLabels: {app: server}}
                      policyTypes: [Ingress]
                    """);
            assertThat(policy.ref().name()).isEqualTo("server-closed");
            // Published until the service has named it from the buckets (they arrive asynchronously).
            long[] sequence = {1};
            Map<String, AnyValue> drop = await().atMost(Duration.ofSeconds(60)).until(() -> {
                cluster.publish(new FlowBatch(NODE, sequence[0]++, 0, 0, 0, List.of(
                        TestCluster.record(1_000, "10.99.2.1", CLIENT, 41000, "10.99.2.2", SERVER, 8080, 6, 1, 1, 0, 0x02, 0))));
                Thread.sleep(500);
                return named(NODE);
            }, Optional::isPresent).orElseThrow();

            assertThat(drop.get("septum.flow.verdict").getStringValue()).isEqualTo("DROPPED");
            assertThat(drop.get("septum.flow.drop_reason").getStringValue()).isEqualTo("POLICY_DENIED");
            assertThat(drop.get("septum.flow.direction").getStringValue()).isEqualTo("INGRESS");
            assertThat(drop.get("septum.flow.source.identity").getIntValue()).isEqualTo(CLIENT);
            assertThat(drop.get("septum.flow.destination.identity").getIntValue()).isEqualTo(SERVER);
            assertThat(drop.get("septum.flow.source.pod").getStringValue()).isEqualTo("client");
            assertThat(drop.get("septum.flow.destination.pod").getStringValue()).isEqualTo("server");
            assertThat(drop.get("septum.flow.destination.namespace").getStringValue()).isEqualTo("flowtest");
            assertThat(drop.get("septum.flow.destination.port").getIntValue()).isEqualTo(8080);
            assertThat(drop.get("septum.flow.policies").getArrayValue().getValuesList())
                    .extracting(AnyValue::getStringValue).containsExactly("NetworkPolicy flowtest/server-closed");
            assertThat(drop.get("septum.flow.node").getStringValue()).isEqualTo(NODE);
        } finally {
            cluster.close();
        }
        OtlpReceiver.Received any = OtlpReceiver.received().getFirst();
        assertThat(any.resource().getResource().getAttributesList()).anySatisfy(a -> {
            assertThat(a.getKey()).isEqualTo("service.name");
            assertThat(a.getValue().getStringValue()).isEqualTo("flow-service");
        });
    }

    /** The attributes of a received drop on {@code node} whose destination has been named (its pod known). */
    private static Optional<Map<String, AnyValue>> named(String node) {
        return OtlpReceiver.received().stream()
                .map(r -> r.record().getAttributesList().stream().collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue)))
                .filter(a -> a.containsKey("septum.flow.node") && node.equals(a.get("septum.flow.node").getStringValue()))
                .filter(a -> !a.get("septum.flow.destination.pod").getStringValue().isEmpty()
                        && !a.get("septum.flow.policies").getArrayValue().getValuesList().isEmpty())
                .findFirst();
    }
}
