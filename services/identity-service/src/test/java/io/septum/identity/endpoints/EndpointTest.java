package io.septum.identity.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.septum.auth.testing.TestTokens;
import io.septum.identity.distribution.SharedTransactions;
import io.septum.identity.testing.KvProbe;
import io.septum.identity.testing.ServiceTest;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.IdentityRecord;
import io.septum.model.kv.IpcacheRecord;
import io.septum.model.kv.NamedPort;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static io.septum.identity.testing.Api.deleteEndpoint;
import static io.septum.identity.testing.Api.getEndpoint;
import static io.septum.identity.testing.Api.putEndpoint;
import static io.septum.identity.testing.Api.putNamespace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

@QuarkusTest
class EndpointTest extends ServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/v1/endpoints")
    URI endpointsUrl;

    @Inject
    SharedTransactions shared;

    @BeforeEach
    void setUp() {
        putNamespace("shop", Map.of("team", "blue")).statusCode(200);
    }

    @Test
    void createUpdateAndDeleteReachTheIpcache() {
        KvProbe.Watch ipcache = kv.watch(Buckets.IPCACHE);
        KvProbe.Watch identities = kv.watch(Buckets.IDENTITIES);

        int web = putEndpoint("shop", "web-1", Map.of("node", "node-0", "ip", "10.244.0.2", "labels", Map.of("app", "web"),
                "namedPorts", List.of(Map.of("name", "http", "port", 80, "protocol", "TCP"))))
                .statusCode(200)
                .body("namespace", equalTo("shop")).body("pod", equalTo("web-1")).body("node", equalTo("node-0"))
                .body("labels.app", equalTo("web"))
                .body("identity.labels", contains("k8s:app=web",
                        "k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=shop",
                        "k8s:io.cilium.k8s.namespace.labels.team=blue",
                        "k8s:io.kubernetes.pod.namespace=shop"))
                .extract().path("identity.id");
        IpcacheRecord created = new IpcacheRecord("10.244.0.2/32", web, "node-0", "shop", "web-1",
                List.of(new NamedPort("http", 80, "TCP")));
        // written before the response: readable at once, no waiting
        assertThat(kv.get(Buckets.IPCACHE, "10.244.0.2_32", IpcacheRecord.class)).isEqualTo(created);
        assertThat(kv.get(Buckets.IDENTITIES, Integer.toString(web), IdentityRecord.class).id()).isEqualTo(web);
        assertThat(identities.next().key()).isEqualTo(Integer.toString(web));
        assertThat(ipcache.next()).satisfies(c -> assertThat(c.value(IpcacheRecord.class)).isEqualTo(created));

        int api = putEndpoint("shop", "web-1", "node-0", "10.244.0.2", Map.of("app", "api")).statusCode(200)
                .body("identity.labels", hasItem("k8s:app=api")).body("namedPorts", equalTo(List.of()))
                .extract().path("identity.id");
        assertThat(api).isNotEqualTo(web);
        assertThat(identities.next().key()).isEqualTo(Integer.toString(api));
        assertThat(ipcache.next().value(IpcacheRecord.class))
                .isEqualTo(new IpcacheRecord("10.244.0.2/32", api, "node-0", "shop", "web-1", List.of()));

        putEndpoint("shop", "web-1", "node-1", "10.244.1.7", Map.of("app", "api")).statusCode(200);
        assertThat(ipcache.next()).isEqualTo(new KvProbe.Change("10.244.0.2_32", false, null));
        assertThat(ipcache.next().value(IpcacheRecord.class))
                .isEqualTo(new IpcacheRecord("10.244.1.7/32", api, "node-1", "shop", "web-1", List.of()));

        deleteEndpoint("shop", "web-1").statusCode(204);
        assertThat(ipcache.next()).isEqualTo(new KvProbe.Change("10.244.1.7_32", false, null));
        assertThat(kv.keys(Buckets.IPCACHE)).isEmpty();
        getEndpoint("shop", "web-1").statusCode(404).body("message", equalTo("get endpoint shop/web-1: endpoint shop/web-1 does not exist"));
        given().get("/v1/identities/{id}", api).then().statusCode(200); // identities outlive their endpoints (for now)
        assertThat(ipcache.drain(Duration.ofMillis(200))).isEmpty();
    }

    @Test
    void anUnchangedEndpointWritesNothing() {
        putEndpoint("shop", "web-1", "node-0", "10.244.0.2", Map.of("app", "web")).statusCode(200);
        long revision = kv.lastRevision(Buckets.IPCACHE, "10.244.0.2_32");
        KvProbe.Watch ipcache = kv.watch(Buckets.IPCACHE);

        putEndpoint("shop", "web-1", "node-0", "10.244.0.2", Map.of("app", "web")).statusCode(200);

        assertThat(kv.lastRevision(Buckets.IPCACHE, "10.244.0.2_32")).isEqualTo(revision);
        assertThat(ipcache.drain(Duration.ofMillis(200))).isEmpty();
    }

    @Test
    void podsOfOneDeploymentShareTheirIdentity() {
        int first = putEndpoint("shop", "web-7d9f8c-abcde", "node-0", "10.244.0.2",
                Map.of("app", "web", "pod-template-hash", "7d9f8c")).statusCode(200).extract().path("identity.id");
        putEndpoint("shop", "web-5b6c7d-fghij", "node-1", "10.244.1.2",
                Map.of("app", "web", "pod-template-hash", "5b6c7d")).statusCode(200)
                .body("identity.id", equalTo(first))
                .body("identity.labels", not(hasItem("k8s:pod-template-hash=5b6c7d")))
                .body("labels.pod-template-hash", equalTo("5b6c7d"));
    }

    @Test
    void theNamespaceMustExist() {
        putEndpoint("nowhere", "web-1", "node-0", "10.244.0.2", Map.of("app", "web")).statusCode(404)
                .body("message", equalTo("put endpoint nowhere/web-1: namespace nowhere does not exist"));
        assertThat(kv.keys(Buckets.IPCACHE)).isEmpty();
    }

    @Test
    void anAddressHeldByAnotherEndpointIsAConflict() {
        putEndpoint("shop", "web-1", "node-0", "10.244.0.2", Map.of("app", "web")).statusCode(200);

        putEndpoint("shop", "web-2", "node-0", "10.244.0.2", Map.of("app", "web")).statusCode(409)
                .body("message", equalTo("put endpoint shop/web-2: ip 10.244.0.2 is held by endpoint shop/web-1"));
        getEndpoint("shop", "web-2").statusCode(404);
        assertThat(kv.get(Buckets.IPCACHE, "10.244.0.2_32", IpcacheRecord.class).pod()).isEqualTo("web-1");
    }

    @Test
    void concurrentClaimsOfOneAddressLeaveOneHolder() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String pod = "racer-" + i;
                calls.add(pool.submit(() -> putEndpoint("shop", pod, "node-0", "10.244.9.9", Map.of("app", "race"))
                        .extract().statusCode()));
            }
            for (Future<Integer> call : calls) {
                statuses.add(call.get());
            }
        }
        assertThat(statuses).containsOnly(200, 409).containsOnlyOnce(200);
        List<String> holders = given().get("/v1/endpoints").then().statusCode(200).extract().path("items.pod");
        assertThat(holders).hasSize(1);
        assertThat(kv.get(Buckets.IPCACHE, "10.244.9.9_32", IpcacheRecord.class).pod()).isEqualTo(holders.getFirst());
    }

    /**
     * Many registrations and deletions at once share transactions; each still gets its own answer (a missing
     * namespace or an unknown endpoint fails only that call), and every committed one is in the ipcache.
     */
    @Test
    void concurrentWritesShareTransactionsAndEachKeepsItsOwnAnswer() throws Exception {
        long sharedBefore = shared.sharedWrites();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String token = TestTokens.admin();
        int pods = 120;
        List<CompletableFuture<HttpResponse<String>>> puts = new ArrayList<>();
        for (int i = 0; i < pods; i++) {
            String namespace = i % 10 == 9 ? "nowhere" : "shop";
            String body = "{\"node\":\"node-0\",\"ip\":\"10.244.3." + i + "\",\"labels\":{\"app\":\"burst-" + (i % 7) + "\"}}";
            puts.add(http.sendAsync(request(namespace + "/p" + i, token).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        Map<String, Set<Integer>> identityByApp = new HashMap<>();
        for (int i = 0; i < pods; i++) {
            HttpResponse<String> response = puts.get(i).get();
            if (i % 10 == 9) {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
                continue;
            }
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode endpoint = JSON.readTree(response.body());
            int identity = endpoint.path("identity").path("id").intValue();
            identityByApp.computeIfAbsent("burst-" + (i % 7), a -> new HashSet<>()).add(identity);
            IpcacheRecord entry = kv.get(Buckets.IPCACHE, "10.244.3." + i + "_32", IpcacheRecord.class);
            assertThat(entry.pod()).isEqualTo("p" + i);
            assertThat(entry.identity()).isEqualTo(identity);
            assertThat(kv.get(Buckets.IDENTITIES, Integer.toString(identity), IdentityRecord.class).id()).isEqualTo(identity);
        }
        assertThat(identityByApp).hasSize(7).allSatisfy((app, ids) -> assertThat(ids).as(app).hasSize(1));
        assertThat(state.count("select count(*) from endpoint")).isEqualTo(pods - pods / 10);

        List<CompletableFuture<HttpResponse<String>>> deletes = new ArrayList<>();
        for (int i = 0; i < pods; i++) {
            deletes.add(http.sendAsync(request("shop/p" + i, token).DELETE().build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < pods; i++) {
            HttpResponse<String> response = deletes.get(i).get();
            assertThat(response.statusCode()).as("delete p" + i + ": " + response.body()).isEqualTo(i % 10 == 9 ? 404 : 204);
        }
        assertThat(kv.keys(Buckets.IPCACHE)).isEmpty();
        assertThat(state.count("select count(*) from endpoint")).isZero();
        assertThat(shared.sharedWrites() - sharedBefore).as("writes committed in shared transactions").isPositive();
    }

    private HttpRequest.Builder request(String endpoint, String token) {
        return HttpRequest.newBuilder(endpointsUrl.resolve("/v1/endpoints/" + endpoint))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json");
    }

    @Test
    void listsInPages() {
        for (int i = 0; i < 5; i++) {
            putEndpoint("shop", "pod-" + i, "node-" + (i % 2), "10.244.2." + (i + 1), Map.of("app", "web")).statusCode(200);
        }
        List<String> seen = new ArrayList<>();
        String next = null;
        do {
            var page = given().queryParam("node", "node-0").queryParam("limit", 2).queryParam("continue", next == null ? "" : next)
                    .get("/v1/endpoints").then().statusCode(200).extract();
            seen.addAll(page.path("items.pod"));
            next = page.path("continue");
        } while (next != null);
        assertThat(seen).containsExactly("pod-0", "pod-2", "pod-4");
    }

    @Test
    void listsAllOrOneNode() {
        putEndpoint("shop", "b", "node-1", "10.244.1.2", Map.of("app", "web")).statusCode(200);
        putEndpoint("shop", "a", "node-0", "10.244.0.2", Map.of("app", "web")).statusCode(200);
        putEndpoint("shop", "c", "node-1", "10.244.1.3", Map.of()).statusCode(200);

        given().get("/v1/endpoints").then().statusCode(200).body("items.pod", contains("a", "b", "c"));
        given().queryParam("node", "node-1").get("/v1/endpoints").then().statusCode(200)
                .body("items.pod", contains("b", "c"))
                .body("items[1].identity.labels", contains(
                        "k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=shop",
                        "k8s:io.cilium.k8s.namespace.labels.team=blue",
                        "k8s:io.kubernetes.pod.namespace=shop"));
    }
}
