package io.septum.identity.distribution;

import io.nats.client.api.StorageType;
import io.quarkus.test.junit.QuarkusTest;
import io.septum.identity.testing.KvProbe;
import io.septum.identity.testing.ServiceTest;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.IdentityRecord;
import io.septum.model.kv.IpcacheRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.septum.identity.testing.Api.allocate;
import static io.septum.identity.testing.Api.putEndpoint;
import static io.septum.identity.testing.Api.putNamespace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** PostgreSQL is the source of truth: whatever NATS loses, a rebuild puts back, and what it should not hold goes. */
@QuarkusTest
class BucketRebuildTest extends ServiceTest {

    private int web;

    @BeforeEach
    void setUp() {
        putNamespace("shop", Map.of()).statusCode(200);
        web = putEndpoint("shop", "web-1", "node-0", "10.244.0.2", Map.of("app", "web")).statusCode(200).extract().path("identity.id");
    }

    @Test
    void lostKeysComeBackAndStrayKeysGo() throws Exception {
        IpcacheRecord entry = kv.get(Buckets.IPCACHE, "10.244.0.2_32", IpcacheRecord.class);
        kv.bucket(Buckets.IPCACHE).delete("10.244.0.2_32");
        kv.bucket(Buckets.IDENTITIES).purge(Integer.toString(web));
        kv.bucket(Buckets.IPCACHE).put("10.9.9.9_32", "{\"prefix\":\"10.9.9.9/32\",\"identity\":999}");
        kv.bucket(Buckets.IDENTITIES).put("99999", "{\"id\":99999,\"labels\":[]}");

        List<BucketWriter.BucketReport> reports = state.rebuild();

        assertThat(reports).containsExactly(
                new BucketWriter.BucketReport(Buckets.IDENTITIES, 9, 1, 1),
                new BucketWriter.BucketReport(Buckets.IPCACHE, 1, 1, 1));
        assertThat(kv.get(Buckets.IPCACHE, "10.244.0.2_32", IpcacheRecord.class)).isEqualTo(entry);
        assertThat(kv.get(Buckets.IDENTITIES, Integer.toString(web), IdentityRecord.class).id()).isEqualTo(web);
        assertThat(kv.keys(Buckets.IPCACHE)).containsExactly("10.244.0.2_32");
        assertThat(kv.keys(Buckets.IDENTITIES)).doesNotContain("99999");
    }

    @Test
    void aRebuildOfCorrectBucketsWritesNothing() {
        KvProbe.Watch identities = kv.watch(Buckets.IDENTITIES);
        KvProbe.Watch ipcache = kv.watch(Buckets.IPCACHE);

        assertThat(state.rebuild()).allSatisfy(report -> {
            assertThat(report.written()).isZero();
            assertThat(report.deleted()).isZero();
        });
        assertThat(identities.drain(Duration.ofMillis(200))).isEmpty();
        assertThat(ipcache.drain(Duration.ofMillis(200))).isEmpty();
    }

    @Test
    void deletedBucketsAreCreatedAgainWithEverything() throws Exception {
        kv.connection().keyValueManagement().delete(Buckets.IDENTITIES);
        kv.connection().keyValueManagement().delete(Buckets.IPCACHE);

        state.rebuild();

        assertThat(kv.keys(Buckets.IDENTITIES)).containsExactlyInAnyOrder("1", "2", "3", "4", "5", "6", "7", "8", Integer.toString(web));
        assertThat(kv.get(Buckets.IPCACHE, "10.244.0.2_32", IpcacheRecord.class).identity()).isEqualTo(web);
        var status = kv.connection().keyValueManagement().getStatus(Buckets.IPCACHE);
        assertThat(status.getMaxHistoryPerKey()).isEqualTo(1);
        assertThat(status.getStorageType()).isEqualTo(StorageType.File);
    }

    /** A write that finds its bucket gone fails (nothing stored) and brings on a rebuild; the next write succeeds. */
    @Test
    void aWriteToAMissingBucketFailsAndTheServiceRecovers() throws Exception {
        kv.connection().keyValueManagement().delete(Buckets.IPCACHE);

        putEndpoint("shop", "web-2", "node-0", "10.244.0.3", Map.of("app", "web")).statusCode(503)
                .body("message", org.hamcrest.Matchers.startsWith("put endpoint shop/web-2: put ipcache key 10.244.0.3_32"));
        assertThat(state.count("select count(*) from endpoint where pod = 'web-2'")).isZero();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                putEndpoint("shop", "web-2", "node-0", "10.244.0.3", Map.of("app", "web")).statusCode(200));
        assertThat(kv.keys(Buckets.IPCACHE)).containsExactlyInAnyOrder("10.244.0.2_32", "10.244.0.3_32");
    }

    @Test
    void identitiesAllocatedOnAnotherPathAreDistributedByTheRebuild() {
        state.execute("select * from allocate_identities(array['k8s:app=elsewhere'], false)");
        int id = allocate("k8s:app=elsewhere").statusCode(200).extract().path("id");
        assertThat(kv.get(Buckets.IDENTITIES, Integer.toString(id), IdentityRecord.class)).isNull();

        state.rebuild();

        assertThat(kv.get(Buckets.IDENTITIES, Integer.toString(id), IdentityRecord.class))
                .isEqualTo(new IdentityRecord(id, List.of("k8s:app=elsewhere")));
    }
}
