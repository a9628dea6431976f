package io.septum.identity.allocation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.septum.identity.testing.ServiceTest;
import io.septum.model.identity.ReservedIdentity;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.IdentityRecord;
import io.septum.model.labels.Labels;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static io.septum.identity.testing.Api.allocate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
class IdentityAllocationTest extends ServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    @TestHTTPResource("/v1/identities")
    URL identitiesUrl;

    @Test
    void sameLabelsGetSameIdentityWhateverTheirOrder() {
        int id = allocate("k8s:app=web", "k8s:tier=front").statusCode(201)
                .body("id", greaterThanOrEqualTo(256))
                .body("labels", contains("k8s:app=web", "k8s:tier=front"))
                .extract().path("id");

        allocate("k8s:tier=front", "k8s:app=web", "k8s:app=web").statusCode(200).body("id", equalTo(id));
        allocate("k8s:app=web").statusCode(201).body("id", equalTo(id + 1));
        given().get("/v1/identities/{id}", id).then().statusCode(200).body("labels", contains("k8s:app=web", "k8s:tier=front"));
    }

    @Test
    void volatileLabelsDoNotCount() {
        int id = allocate("k8s:app=web").statusCode(201).extract().path("id");

        allocate("k8s:app=web", "k8s:pod-template-hash=7d9f8c", "k8s:controller-revision-hash=abc",
                "k8s:batch.kubernetes.io/controller-uid=1f2e", "k8s:statefulset.kubernetes.io/pod-name=web-0")
                .statusCode(200).body("id", equalTo(id)).body("labels", contains("k8s:app=web"));
        // the configured rules are regexes with their backslashes intact: '\.' matches a dot, not any character
        allocate("k8s:app=web", "k8s:batchxkubernetes.io/controller-uid=1f2e").statusCode(201)
                .body("labels", contains("k8s:app=web", "k8s:batchxkubernetes.io/controller-uid=1f2e"));
    }

    @Test
    void reservedLabelsGiveTheReservedIdentity() {
        for (ReservedIdentity reserved : ReservedIdentity.values()) {
            allocate("reserved:" + reserved.entityName()).statusCode(200).body("id", equalTo(reserved.id().value()));
            given().get("/v1/identities/{id}", reserved.id().value()).then().statusCode(200)
                    .body("labels", contains("reserved:" + reserved.entityName()));
            assertThat(kv.get(Buckets.IDENTITIES, IdentityRecord.key(reserved.id().value()), IdentityRecord.class))
                    .isEqualTo(new IdentityRecord(reserved.id().value(), List.of("reserved:" + reserved.entityName())));
        }
        given().get("/v1/identities/reserved").then().statusCode(200)
                .body("items", hasSize(8))
                .body("items[1].id", equalTo(2)).body("items[1].labels", contains("reserved:world"))
                .body("continue", nullValue());
    }

    @Test
    void aNewIdentityIsInTheBucketWhenTheCallReturns() {
        int id = allocate("k8s:app=db").statusCode(201).extract().path("id");

        assertThat(kv.get(Buckets.IDENTITIES, Integer.toString(id), IdentityRecord.class))
                .isEqualTo(new IdentityRecord(id, List.of("k8s:app=db")));
    }

    @Test
    void lookupByLabelsFindsWithoutAllocating() {
        int id = allocate("k8s:app=web", "k8s:tier=front").statusCode(201).extract().path("id");

        // the filter applies as in an allocation: volatile labels do not count
        given().queryParam("labels", "k8s:tier=front,k8s:app=web,k8s:pod-template-hash=5d8f").get("/v1/identities/lookup")
                .then().statusCode(200).body("id", equalTo(id)).body("endpoints", equalTo(0));
        given().queryParam("labels", "reserved:world").get("/v1/identities/lookup").then().statusCode(200).body("id", equalTo(2));
        given().queryParam("labels", "k8s:app=web").get("/v1/identities/lookup").then().statusCode(404)
                .body("message", equalTo("look up identity: identity of labels k8s:app=web does not exist"));
        assertThat(state.count("select count(*) from identity where id >= 256")).isOne();
    }

    @Test
    void unknownIdentityIsNotFound() {
        given().get("/v1/identities/{id}", 99999).then().statusCode(404)
                .body("status", equalTo(404))
                .body("message", equalTo("get identity 99999: identity 99999 does not exist"));
    }

    @Test
    void listSelectsAndPages() {
        for (int i = 0; i < 5; i++) {
            allocate("k8s:app=web", "k8s:n=" + i).statusCode(201);
            allocate("k8s:app=db", "k8s:n=" + i).statusCode(201);
        }

        List<Integer> seen = new ArrayList<>();
        String next = null;
        do {
            var page = given().queryParam("selector", "k8s:app=web").queryParam("limit", 2)
                    .queryParam("continue", next == null ? "" : next)
                    .get("/v1/identities").then().statusCode(200).extract();
            seen.addAll(page.path("items.id"));
            next = page.path("continue");
        } while (next != null);
        assertThat(seen).hasSize(5).isSorted();

        given().queryParam("selector", "k8s:n in (1,3),app!=web").get("/v1/identities").then().statusCode(200)
                .body("items.labels", contains(contains("k8s:app=db", "k8s:n=1"), contains("k8s:app=db", "k8s:n=3")));
        given().queryParam("selector", "!reserved:host,reserved:world").get("/v1/identities").then().statusCode(200)
                .body("items.id", contains(2));
    }

    /** Many callers at once, over few label sets: every caller of one label set gets one number, allocated once. */
    @Test
    void concurrentCallersAgree() throws Exception {
        int sets = 20;
        int calls = 200;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            String body = "{\"labels\":[\"k8s:app=burst\",\"k8s:set=s" + (i % sets) + "\"]}";
            responses.add(http.sendAsync(HttpRequest.newBuilder(identitiesUrl.toURI())
                    .header("Authorization", "Bearer " + io.septum.auth.testing.TestTokens.admin())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }

        Map<String, Set<Integer>> idsBySet = new HashMap<>();
        Map<String, Integer> createdBySet = new HashMap<>();
        for (CompletableFuture<HttpResponse<String>> future : responses) {
            HttpResponse<String> response = future.get();
            assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
            JsonNode identity = JSON.readTree(response.body());
            String set = identity.get("labels").toString();
            idsBySet.computeIfAbsent(set, s -> new HashSet<>()).add(identity.get("id").intValue());
            createdBySet.merge(set, response.statusCode() == 201 ? 1 : 0, Integer::sum);
        }
        assertThat(idsBySet).hasSize(sets).allSatisfy((set, ids) -> assertThat(ids).as(set).hasSize(1));
        assertThat(createdBySet).allSatisfy((set, created) -> assertThat(created).as(set).isEqualTo(1));
        assertThat(state.count("select count(*) from identity where id >= 256")).isEqualTo(sets);
    }

    /**
     * A second replica is simulated by another connection pool running what every replica runs (the database's
     * allocate_identity) while this service allocates the same label sets: both must give the same numbers.
     */
    @Test
    void aSecondReplicaAgrees() throws Exception {
        int sets = 20;
        List<Labels> labelSets = new ArrayList<>();
        for (int i = 0; i < sets; i++) {
            labelSets.add(Labels.parse(List.of("k8s:app=replicated", "k8s:set=r" + i)));
        }
        Map<String, Set<Integer>> ids = new ConcurrentHashMap<>();
        AtomicInteger replicaCreated = new AtomicInteger();
        List<Call> work = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            for (Labels labels : labelSets) {
                work.add(() -> ids.computeIfAbsent(labels.toString(), k -> ConcurrentHashMap.newKeySet())
                        .add(allocate(labels.toStrings().toArray(String[]::new)).extract().path("id")));
                work.add(() -> {
                    try (Connection c = state.jdbc().getConnection();
                         PreparedStatement s = c.prepareStatement("select id, created from allocate_identities(?, false)")) {
                        s.setArray(1, c.createArrayOf("text", new String[]{labels.toString()}));
                        try (ResultSet rs = s.executeQuery()) {
                            rs.next();
                            if (rs.getBoolean(2)) {
                                replicaCreated.incrementAndGet();
                            }
                            ids.computeIfAbsent(labels.toString(), k -> ConcurrentHashMap.newKeySet()).add(rs.getInt(1));
                        }
                    }
                });
            }
        }
        Collections.shuffle(work);
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<?>> done = new ArrayList<>();
            for (Call c : work) {
                done.add(pool.submit(() -> {
                    c.call();
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertThat(ids).hasSize(sets).allSatisfy((set, numbers) -> assertThat(numbers).as(set).hasSize(1));
        assertThat(state.count("select count(*) from identity where labels like 'k8s:app=replicated;%'")).isEqualTo(sets);
    }

    @FunctionalInterface
    private interface Call {
        void call() throws Exception;
    }
}
