package io.septum.identity.namespaces;

import io.quarkus.test.junit.QuarkusTest;
import io.septum.identity.testing.ServiceTest;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.IdentityRecord;
import io.septum.model.kv.IpcacheRecord;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static io.septum.identity.testing.Api.deleteEndpoint;
import static io.septum.identity.testing.Api.putEndpoint;
import static io.septum.identity.testing.Api.putNamespace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

@QuarkusTest
class NamespaceTest extends ServiceTest {

    @Test
    void aNamespaceAlwaysCarriesItsMetadataName() {
        putNamespace("shop", Map.of("team", "blue")).statusCode(200)
                .body("name", equalTo("shop"))
                .body("labels", equalTo(Map.of("team", "blue", "kubernetes.io/metadata.name", "shop")));
        putNamespace("infra", Map.of()).statusCode(200);

        given().get("/v1/namespaces/shop").then().statusCode(200).body("labels.team", equalTo("blue"));
        given().get("/v1/namespaces").then().statusCode(200).body("items.name", contains("infra", "shop"));
        given().get("/v1/namespaces/nope").then().statusCode(404)
                .body("message", equalTo("get namespace nope: namespace nope does not exist"));
    }

    @Test
    void changingLabelsReidentifiesEveryEndpointBeforeReturning() {
        putNamespace("shop", Map.of("team", "blue")).statusCode(200);
        putNamespace("other", Map.of("team", "blue")).statusCode(200);
        int web = putEndpoint("shop", "web-1", "node-0", "10.244.0.2", Map.of("app", "web")).statusCode(200).extract().path("identity.id");
        putEndpoint("shop", "web-2", "node-1", "10.244.1.2", Map.of("app", "web")).statusCode(200).body("identity.id", equalTo(web));
        int db = putEndpoint("shop", "db-1", "node-1", "10.244.1.3", Map.of("app", "db")).statusCode(200).extract().path("identity.id");
        int elsewhere = putEndpoint("other", "web-1", "node-0", "10.244.0.9", Map.of("app", "web")).statusCode(200).extract().path("identity.id");

        putNamespace("shop", Map.of("team", "red")).statusCode(200).body("labels.team", equalTo("red"));

        // no waiting: the ipcache carries the new identities when the call has returned
        int newWeb = kv.get(Buckets.IPCACHE, "10.244.0.2_32", IpcacheRecord.class).identity();
        assertThat(newWeb).isNotIn(web, db);
        assertThat(kv.get(Buckets.IPCACHE, "10.244.1.2_32", IpcacheRecord.class).identity()).isEqualTo(newWeb);
        int newDb = kv.get(Buckets.IPCACHE, "10.244.1.3_32", IpcacheRecord.class).identity();
        assertThat(newDb).isNotIn(web, db, newWeb);
        assertThat(kv.get(Buckets.IDENTITIES, Integer.toString(newWeb), IdentityRecord.class).labels())
                .contains("k8s:app=web", "k8s:io.cilium.k8s.namespace.labels.team=red");
        assertThat(kv.get(Buckets.IPCACHE, "10.244.0.9_32", IpcacheRecord.class).identity())
                .as("another namespace's endpoint keeps its identity").isEqualTo(elsewhere);
        given().get("/v1/endpoints/shop/web-2").then().statusCode(200)
                .body("identity.id", equalTo(newWeb))
                .body("identity.labels", hasItem("k8s:io.cilium.k8s.namespace.labels.team=red"));

        // back to the old labels: back to the old identities, which were never forgotten
        putNamespace("shop", Map.of("team", "blue")).statusCode(200);
        assertThat(kv.get(Buckets.IPCACHE, "10.244.0.2_32", IpcacheRecord.class).identity()).isEqualTo(web);
        assertThat(kv.get(Buckets.IPCACHE, "10.244.1.3_32", IpcacheRecord.class).identity()).isEqualTo(db);
    }

    @Test
    void aNamespaceWithEndpointsCannotBeDeleted() {
        putNamespace("shop", Map.of()).statusCode(200);
        putEndpoint("shop", "web-1", "node-0", "10.244.0.2", Map.of("app", "web")).statusCode(200);

        given().delete("/v1/namespaces/shop").then().statusCode(409)
                .body("message", equalTo("delete namespace shop: namespace shop still has 1 endpoint; delete them first"));

        deleteEndpoint("shop", "web-1").statusCode(204);
        given().delete("/v1/namespaces/shop").then().statusCode(204);
        given().get("/v1/namespaces/shop").then().statusCode(404);
        given().delete("/v1/namespaces/shop").then().statusCode(404)
                .body("message", equalTo("delete namespace shop: namespace shop does not exist"));
    }
}
