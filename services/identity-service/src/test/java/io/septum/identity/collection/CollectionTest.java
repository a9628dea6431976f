package io.septum.identity.collection;

import io.quarkus.test.junit.QuarkusTest;
import io.septum.identity.testing.KvProbe;
import io.septum.identity.testing.ServiceTest;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.IdentityRecord;
import io.septum.model.kv.IpcacheRecord;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.restassured.RestAssured.given;
import static io.septum.identity.testing.Api.allocate;
import static io.septum.identity.testing.Api.deleteEndpoint;
import static io.septum.identity.testing.Api.getEndpoint;
import static io.septum.identity.testing.Api.putEndpoint;
import static io.septum.identity.testing.Api.putNamespace;
import static io.septum.identity.testing.Api.renewLease;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/**
 * Collection passes, run by the test (the test profile switches the service's own off): lease 2 s, identity grace
 * 1 s, memory of allocations 0.5 s, so an identity is collected 1.5 s after it was first seen unused.
 */
@QuarkusTest
class CollectionTest extends ServiceTest {

    @Inject
    CollectionPasses passes;

    @Inject
    IdentityCollector collector;

    @BeforeEach
    void setUp() {
        putNamespace("shop", Map.of()).statusCode(200);
        passes.trustLeases();
    }

    @Test
    void anEndpointWhoseNodeStopsRenewingIsRemovedAfterTheLease() {
        putEndpoint("shop", "alive", "node-a", "10.244.0.2", Map.of("app", "web")).statusCode(200);
        putEndpoint("shop", "dead", "node-b", "10.244.1.2", Map.of("app", "web")).statusCode(200);
        KvProbe.Watch ipcache = kv.watch(Buckets.IPCACHE);

        assertThat(passes.pass().endpointsExpired()).as("within the lease").isZero();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            renewLease("node-a", List.of("shop/alive")).statusCode(200);
            assertThat(passes.pass().endpointsExpired()).isEqualTo(1);
        });

        getEndpoint("shop", "dead").statusCode(404);
        getEndpoint("shop", "alive").statusCode(200);
        assertThat(ipcache.next()).isEqualTo(new KvProbe.Change("10.244.1.2_32", false, null));
        assertThat(kv.keys(Buckets.IPCACHE)).containsExactly("10.244.0.2_32");
    }

    @Test
    void leasesDoNotExpireBeforeTheServiceCouldTakeRenewalsForALeasePeriod() throws Exception {
        putEndpoint("shop", "web-1", "node-b", "10.244.1.2", Map.of("app", "web")).statusCode(200);
        state.execute("update endpoint set registered_at = now() - interval '1 minute'; "
                + "update node_lease set renewed_at = now() - interval '1 minute'");
        passes.distrustLeases();

        assertThat(passes.pass().endpointsExpired()).isZero();
        getEndpoint("shop", "web-1").statusCode(200);
        passes.trustLeases();
        assertThat(passes.pass().endpointsExpired()).isEqualTo(1);
    }

    @Test
    void anIdentityIsCollectedAfterTheGracePeriodAndNeverWhileAnEndpointRefersToIt() {
        int web = putEndpoint("shop", "web-1", "node-a", "10.244.0.2", Map.of("app", "web")).statusCode(200)
                .extract().path("identity.id");
        KvProbe.Watch identities = kv.watch(Buckets.IDENTITIES);

        passes.pass();
        given().get("/v1/identities/{id}", web).then().statusCode(200)
                .body("endpoints", equalTo(1)).body("unusedSince", nullValue());

        deleteEndpoint("shop", "web-1").statusCode(204);
        assertThat(passes.pass().identitiesMarked()).isEqualTo(1);
        given().get("/v1/identities/{id}", web).then().statusCode(200)
                .body("endpoints", equalTo(0)).body("unusedSince", notNullValue());
        assertThat(passes.pass().identitiesCollected()).as("within the grace period").isZero();

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> passes.pass().identitiesCollected() == 1);
        given().get("/v1/identities/{id}", web).then().statusCode(404);
        assertThat(identities.next()).isEqualTo(new KvProbe.Change(Integer.toString(web), false, null));
        assertThat(kv.get(Buckets.IDENTITIES, Integer.toString(web), IdentityRecord.class)).isNull();

        // the same labels later: a new number (numbers are never reused), in the bucket again
        int again = putEndpoint("shop", "web-2", "node-a", "10.244.0.3", Map.of("app", "web")).statusCode(200)
                .extract().path("identity.id");
        assertThat(again).isGreaterThan(web);
        assertThat(kv.get(Buckets.IDENTITIES, Integer.toString(again), IdentityRecord.class).id()).isEqualTo(again);
    }

    @Test
    void allocatingAMarkedIdentityAgainKeepsIt() throws Exception {
        int id = allocate("k8s:app=kept").statusCode(201).extract().path("id");
        passes.pass();
        given().get("/v1/identities/{id}", id).then().body("unusedSince", notNullValue());

        Thread.sleep(600); // past the memory of allocations: this one asks the database, which unmarks it
        allocate("k8s:app=kept").statusCode(200).body("id", equalTo(id));
        given().get("/v1/identities/{id}", id).then().body("unusedSince", nullValue());

        state.execute("insert into identity_unused values (" + id + ", now() - interval '1 minute')"); // marked long ago
        allocate("k8s:app=kept").statusCode(200).body("id", equalTo(id)); // from memory now
        assertThat(passes.pass().identitiesCollected()).isOne();
        // what this replica remembered is forgotten with the identity
        int next = allocate("k8s:app=kept").statusCode(201).extract().path("id");
        assertThat(next).isGreaterThan(id);
    }

    @Test
    void aNewIdentityIsMarkedAtOnceUnlessAnEndpointRefersToIt() {
        int alone = allocate("k8s:app=alone").statusCode(201).extract().path("id");
        given().get("/v1/identities/{id}", alone).then().body("unusedSince", notNullValue());
        int web = putEndpoint("shop", "web-1", "node-a", "10.244.0.2", Map.of("app", "web")).statusCode(200)
                .extract().path("identity.id");
        given().get("/v1/identities/{id}", web).then().body("unusedSince", nullValue());

        assertThat(candidates(alone)).as("marked: no candidate needed").isZero();
        assertThat(candidates(web)).as("referred to: no candidate needed").isZero();
        assertThat(passes.pass().identitiesMarked()).isZero();
    }

    @Test
    void aMarkWhoseIdentityWasDeletedByHandIsDropped() throws Exception {
        int id = allocate("k8s:app=by-hand").statusCode(201).extract().path("id");
        passes.pass();
        // deleted outside collection, its mark left behind (marks have no foreign key); numbers are never reused
        state.execute("delete from identity where id = " + id + "; update identity_unused set since = now() - interval '1 minute'");
        int other = allocate("k8s:app=after-hand").statusCode(201).extract().path("id");
        passes.pass();
        state.execute("update identity_unused set since = now() - interval '1 minute'");

        assertThat(passes.pass().identitiesCollected()).isOne();
        assertThat(state.count("select count(*) from identity_unused")).as("both marks gone").isZero();
        given().get("/v1/identities/{id}", other).then().statusCode(404);
    }

    @Test
    void aCandidateReferencedAgainBeforeTheGraceEndsIsNeverCollected() throws Exception {
        int web = putEndpoint("shop", "web-1", "node-a", "10.244.0.2", Map.of("app", "web")).statusCode(200)
                .extract().path("identity.id");
        deleteEndpoint("shop", "web-1").statusCode(204);
        assertThat(candidates(web)).as("noted by the delete, in its transaction").isPositive();

        // referred to again before any pass looked: the pass drops the candidate without marking it
        putEndpoint("shop", "web-2", "node-a", "10.244.0.3", Map.of("app", "web")).statusCode(200).body("identity.id", equalTo(web));
        assertThat(passes.pass().identitiesMarked()).isZero();
        assertThat(candidates(web)).isZero();

        // marked, then referred to again within the grace period: unmarked, and kept past the grace period
        deleteEndpoint("shop", "web-2").statusCode(204);
        assertThat(passes.pass().identitiesMarked()).isOne();
        putEndpoint("shop", "web-3", "node-a", "10.244.0.4", Map.of("app", "web")).statusCode(200).body("identity.id", equalTo(web));
        given().get("/v1/identities/{id}", web).then().statusCode(200).body("unusedSince", nullValue());
        Thread.sleep(1_700); // past grace + memory
        assertThat(passes.pass()).isEqualTo(new CollectionPasses.PassReport(0, 0, 0));
        given().get("/v1/identities/{id}", web).then().statusCode(200).body("endpoints", equalTo(1));
        assertThat(state.count("select count(*) from identity_candidate")).as("every candidate handled").isZero();
    }

    @Test
    void theIdentityAnEndpointMovedAwayFromIsCollected() {
        int web = putEndpoint("shop", "web-1", "node-a", "10.244.0.2", Map.of("app", "web")).statusCode(200)
                .extract().path("identity.id");
        assertThat(passes.pass().identitiesMarked()).as("the new identity is referred to").isZero();

        int api = putEndpoint("shop", "web-1", "node-a", "10.244.0.2", Map.of("app", "api")).statusCode(200)
                .extract().path("identity.id");
        assertThat(api).isNotEqualTo(web);
        assertThat(passes.pass().identitiesMarked()).isOne();
        given().get("/v1/identities/{id}", web).then().body("unusedSince", notNullValue());
        given().get("/v1/identities/{id}", api).then().body("unusedSince", nullValue());
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> passes.pass().identitiesCollected() == 1);
        given().get("/v1/identities/{id}", web).then().statusCode(404);
        given().get("/v1/identities/{id}", api).then().statusCode(200);
    }

    @Test
    void anEndpointWhoseLeaseRanOutLeavesItsIdentityToCollection() throws Exception {
        int web = putEndpoint("shop", "web-1", "node-b", "10.244.1.2", Map.of("app", "web")).statusCode(200)
                .extract().path("identity.id");
        state.execute("update endpoint set registered_at = now() - interval '1 minute'; "
                + "update node_lease set renewed_at = now() - interval '1 minute'");

        CollectionPasses.PassReport report = passes.pass();
        assertThat(report.endpointsExpired()).isOne();
        assertThat(report.identitiesMarked()).as("marked in the pass that expired its endpoint").isOne();
        given().get("/v1/identities/{id}", web).then().body("unusedSince", notNullValue());
    }

    /**
     * Two replicas' passes at once, as the database sees them: two threads each marking then collecting in small
     * transactions on their own connections. Every unused identity is marked once and collected once.
     */
    @Test
    void twoReplicasCollectingAtOnceTakeEveryIdentityOnce() throws Exception {
        int count = 120;
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) { // identities of endpoints, candidates once the endpoints are gone
            ids.add(putEndpoint("shop", "twin-" + i, "node-a", "10.244.2." + i, Map.of("app", "twin-" + i)).statusCode(200)
                    .extract().path("identity.id"));
        }
        for (int i = 0; i < count; i++) {
            deleteEndpoint("shop", "twin-" + i).statusCode(204);
        }
        KvProbe.Watch identities = kv.watch(Buckets.IDENTITIES);

        int[] marked = twice(() -> {
            int total = 0;
            IdentityCollector.Marking marking;
            do {
                marking = collector.mark(4).await().indefinitely();
                total += marking.marked();
            } while (marking.taken() > 0);
            return total;
        });
        assertThat(marked[0] + marked[1]).isEqualTo(count);
        assertThat(state.count("select count(*) from identity as i where i.id >= 256 and not exists (select 1 from identity_unused as u where u.identity_id = i.id)")).isZero();

        state.execute("update identity_unused set since = now() - interval '1 minute'");
        int[] collected = twice(() -> {
            int total = 0;
            int done;
            do {
                done = collector.collect(4).await().indefinitely();
                total += done;
            } while (done > 0);
            return total;
        });
        assertThat(collected[0] + collected[1]).isEqualTo(count);
        assertThat(state.count("select count(*) from identity where id >= 256")).isZero();
        List<String> gone = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            KvProbe.Change change = identities.next();
            assertThat(change.put()).isFalse();
            gone.add(change.key());
        }
        assertThat(gone).containsExactlyInAnyOrderElementsOf(ids.stream().map(String::valueOf).toList());
        assertThat(passes.pass()).isEqualTo(new CollectionPasses.PassReport(0, 0, 0));
    }

    /** Runs the step on two threads started together; what each answered. */
    private static int[] twice(java.util.concurrent.Callable<Integer> step) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            List<Future<Integer>> both = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                both.add(pool.submit(() -> {
                    go.await();
                    return step.call();
                }));
            }
            go.countDown();
            return new int[]{both.get(0).get(), both.get(1).get()};
        }
    }

    private long candidates(int identity) {
        return state.count("select count(*) from identity_candidate where identity_id = " + identity);
    }

    /**
     * Endpoints come and go on a label set whose identity is past its grace period, while passes run without pause:
     * whichever wins, no endpoint ever refers to an identity that is gone, in PostgreSQL or in the buckets.
     */
    @Test
    void collectionRacingWithNewEndpointsNeverTakesAReferencedIdentity() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        try (ExecutorService pool = Executors.newFixedThreadPool(5)) {
            Future<Integer> collector = pool.submit(() -> {
                int collected = 0;
                while (running.get()) {
                    renewLease("node-a", null).statusCode(200); // the node is alive: only identities are at stake
                    state.execute("update identity_unused set since = now() - interval '1 minute'");
                    collected += passes.pass().identitiesCollected();
                }
                return collected;
            });
            List<Future<?>> churn = new ArrayList<>();
            for (int worker = 0; worker < 4; worker++) {
                int w = worker;
                churn.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        String pod = "racer-" + w + "-" + i;
                        // sets racer-0 and racer-2 lose every endpoint again at once: their identities come and go
                        putEndpoint("shop", pod, "node-a", "10.244." + (10 + w) + "." + (i + 1), Map.of("app", "racer-" + (i % 4)))
                                .statusCode(200);
                        if (i % 2 == 0) {
                            deleteEndpoint("shop", pod).statusCode(204);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : churn) {
                f.get();
            }
            running.set(false);
            assertThat(collector.get()).as("the race was run: identities were collected meanwhile").isPositive();
        }
        List<String> keys = kv.keys(Buckets.IPCACHE);
        assertThat(keys).hasSize(80);
        for (String key : keys) {
            int identity = kv.get(Buckets.IPCACHE, key, IpcacheRecord.class).identity();
            assertThat(kv.get(Buckets.IDENTITIES, Integer.toString(identity), IdentityRecord.class)).as(key).isNotNull();
        }
        assertThat(state.count("select count(*) from endpoint e where not exists (select 1 from identity i where i.id = e.identity_id)")).isZero();
    }
}
