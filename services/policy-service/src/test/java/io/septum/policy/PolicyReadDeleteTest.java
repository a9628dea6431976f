package io.septum.policy;

import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
class PolicyReadDeleteTest {

    @BeforeEach
    void seed() {
        given().delete("/v1/policies").then().statusCode(200);
        Policies.givenYaml()
                .body(Policies.documents(Policies.yaml("prod", "backend-access", 80), Policies.yaml("prod", "db-access", 5432),
                        Policies.yaml("dev", "backend-access", 8080)))
                .post("/v1/policies").then().statusCode(200);
    }

    @Test
    void listsAllOrOneNamespace() {
        given().get("/v1/policies").then().statusCode(200)
                .body("items.namespace", contains("dev", "prod", "prod"))
                .body("items.name", contains("backend-access", "backend-access", "db-access"))
                .body("items[0].kind", equalTo("NetworkPolicy"))
                .body("items[0].updatedAt", notNullValue());
        given().queryParam("namespace", "prod").get("/v1/policies").then()
                .body("items.name", contains("backend-access", "db-access"));
        given().queryParam("namespace", "nowhere").get("/v1/policies").then().body("items", empty());
    }

    @Test
    void readsOneWithItsDocument() {
        given().get("/v1/policies/prod/db-access").then().statusCode(200)
                .body("kind", equalTo("NetworkPolicy"))
                .body("namespace", equalTo("prod"))
                .body("name", equalTo("db-access"))
                .body("document.metadata.namespace", equalTo("prod"))
                .body("document.spec.ingress[0].ports[0].port", equalTo(5432));
        given().queryParam("kind", "networkpolicy").get("/v1/policies/prod/db-access").then().statusCode(200);
        given().get("/v1/policies/prod/missing").then().statusCode(404)
                .body("status", equalTo(404))
                .body("message", equalTo("get policy prod/missing: not found"));
        given().queryParam("kind", "CiliumNetworkPolicy").get("/v1/policies/prod/db-access").then().statusCode(404)
                .body("message", equalTo("get CiliumNetworkPolicy prod/db-access: not found"));
    }

    @Test
    void deletesOneAndRemovesItsKey() throws Exception {
        List<KeyValueEntry> seen = new CopyOnWriteArrayList<>();
        NatsKeyValueWatchSubscription watch = TestNats.policies().watch("networkpolicy.prod.backend-access", new KeyValueWatcher() {
            @Override
            public void watch(KeyValueEntry entry) {
                seen.add(entry);
            }

            @Override
            public void endOfData() {
            }
        }, KeyValueWatchOption.UPDATES_ONLY);
        try {
            given().delete("/v1/policies/prod/backend-access").then().statusCode(200)
                    .body("deleted.kind", contains("NetworkPolicy"))
                    .body("deleted.namespace", contains("prod"))
                    .body("deleted.name", contains("backend-access"));
            // The response comes after NATS acknowledged the delete, so it is already readable.
            assertThat(TestNats.bucketContents()).doesNotContainKey("networkpolicy.prod.backend-access")
                    .containsKeys("networkpolicy.prod.db-access", "networkpolicy.dev.backend-access");
            await().untilAsserted(() -> assertThat(seen).extracting(KeyValueEntry::getOperation)
                    .containsExactly(KeyValueOperation.DELETE));
        } finally {
            watch.unsubscribe();
        }
        given().delete("/v1/policies/prod/backend-access").then().statusCode(404)
                .body("message", equalTo("delete policy prod/backend-access: not found"));
    }

    @Test
    void deletesANamespaceOrEverything() throws Exception {
        long before = given().get("/v1/status").then().extract().jsonPath().getLong("revision");
        long revision = given().queryParam("namespace", "prod").delete("/v1/policies").then().statusCode(200)
                .body("deleted.name", contains("backend-access", "db-access"))
                .extract().jsonPath().getLong("revision");
        assertThat(revision).isGreaterThan(before);
        assertThat(TestNats.bucketContents()).containsOnlyKeys("networkpolicy.dev.backend-access");

        given().delete("/v1/policies").then().statusCode(200).body("deleted.namespace", contains("dev"));
        assertThat(TestNats.bucketContents()).isEmpty();
        // Nothing left: not an error, and no new revision.
        long current = given().get("/v1/status").then().extract().jsonPath().getLong("revision");
        given().delete("/v1/policies").then().statusCode(200)
                .body("deleted", empty())
                .body("revision", equalTo((int) current));
    }
}
