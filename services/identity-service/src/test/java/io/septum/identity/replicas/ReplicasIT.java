package io.septum.identity.replicas;

import io.septum.auth.testing.TestTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.septum.identity.testing.KvProbe;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.IdentityRecord;
import io.septum.model.kv.IpcacheRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two replicas of identity-service, each the packaged application in a process of its own, on one PostgreSQL
 * database and one NATS server — the test's own, so that NATS can be stopped and wiped. Covers what a single
 * in-process instance cannot: replicas agreeing under concurrency, leases and collection across replicas, a replica
 * restarting, NATS restarting with and without its data. Collection runs on both replicas every 250 ms with a
 * lease of 3 s; the grace period is long (30 s), so identities go only where a test backdates their mark.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicasIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ADMIN_TOKEN = TestTokens.admin();
    private static final List<String> SETTINGS = List.of(
            "-Dseptum.identity.gc.enabled=true", "-Dseptum.identity.gc.interval=250ms", "-Dseptum.identity.gc.grace=30s",
            "-Dseptum.identity.lease.duration=3s", "-Dseptum.identity.allocation.cache-ttl=1s");

    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private NatsProcess nats;
    private ServiceProcess a;
    private ServiceProcess b;
    private KvProbe kv;
    private Thread leaseKeeper;

    @BeforeAll
    void start() throws Exception {
        Path directory = Files.createDirectories(Path.of("target/replicas"));
        nats = new NatsProcess(directory);
        nats.start();
        a = new ServiceProcess("replica-a", directory, nats.url(), SETTINGS);
        b = new ServiceProcess("replica-b", directory, nats.url(), SETTINGS);
        a.start("-Dquarkus.flyway.clean-disabled=false", "-Dquarkus.flyway.clean-at-start=true");
        b.start();
        kv = KvProbe.connect(nats.url());
        // node-a's enforcer: renews its lease through whichever replica answers
        leaseKeeper = Thread.ofPlatform().daemon().name("lease-keeper").start(() -> {
            for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                try {
                    send(i % 2 == 0 ? a : b, "PUT", "/v1/nodes/node-a/lease", Map.of());
                } catch (RuntimeException e) {
                    // that replica is down: the other one answers next time
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    @AfterAll
    void stop() throws Exception {
        if (leaseKeeper != null) {
            leaseKeeper.interrupt();
        }
        if (kv != null) {
            kv.close();
        }
        for (AutoCloseable c : new AutoCloseable[]{a, b, nats}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void bothReplicasGiveEveryLabelSetOneNumberUnderConcurrency() throws Exception {
        int sets = 100;
        int requests = 2000;
        Map<String, Set<Integer>> ids = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> created = new ConcurrentHashMap<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(64)) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                int n = i;
                done.add(clients.submit(() -> {
                    String app = "race-" + run + "-" + (n % sets);
                    HttpResponse<String> response = call(n % 2 == 0 ? a : b, "POST", "/v1/identities",
                            Map.of("labels", List.of("k8s:app=" + app, "k8s:io.kubernetes.pod.namespace=shop")));
                    assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
                    ids.computeIfAbsent(app, k -> ConcurrentHashMap.newKeySet()).add(json(response).get("id").asInt());
                    created.computeIfAbsent(app, k -> new AtomicInteger()).addAndGet(response.statusCode() == 201 ? 1 : 0);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertThat(ids).hasSize(sets).allSatisfy((app, numbers) -> assertThat(numbers).as(app).hasSize(1));
        assertThat(created).allSatisfy((app, count) -> assertThat(count.get()).as(app + " created once").isEqualTo(1));
        assertThat(count("select count(*) from identity where labels like 'k8s:app=race-" + run + "-%'")).isEqualTo(sets);
        for (Set<Integer> numbers : ids.values()) {
            int id = numbers.iterator().next();
            assertThat(kv.get(Buckets.IDENTITIES, Integer.toString(id), IdentityRecord.class)).as("identity %d in the bucket", id).isNotNull();
        }
    }

    @Test
    void anEndpointWhoseNodeStopsRenewingGoesWhateverReplicaItWasRegisteredOn() {
        String ns = "lease-" + run;
        send(a, "PUT", "/v1/namespaces/" + ns, Map.of());
        send(a, "PUT", "/v1/endpoints/" + ns + "/kept", Map.of("node", "node-a", "ip", "10.250.0.1", "labels", Map.of("app", "web")));
        send(b, "PUT", "/v1/endpoints/" + ns + "/gone", Map.of("node", "node-gone", "ip", "10.250.0.2", "labels", Map.of("app", "web")));

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            assertThat(call(a, "GET", "/v1/endpoints/" + ns + "/gone", null).statusCode()).isEqualTo(404);
            assertThat(kv.get(Buckets.IPCACHE, "10.250.0.2_32", IpcacheRecord.class)).isNull();
        });
        assertThat(call(b, "GET", "/v1/endpoints/" + ns + "/kept", null).statusCode()).isEqualTo(200);
        assertThat(kv.get(Buckets.IPCACHE, "10.250.0.1_32", IpcacheRecord.class).pod()).isEqualTo("kept");
    }

    @Test
    void anIdentityUnusedForTheGracePeriodIsCollectedWhateverReplicaMarkedIt() {
        String ns = "gc-" + run;
        send(b, "PUT", "/v1/namespaces/" + ns, Map.of());
        int id = send(a, "PUT", "/v1/endpoints/" + ns + "/web-1", Map.of("node", "node-a", "ip", "10.250.1.1",
                "labels", Map.of("app", "collected"))).path("identity").path("id").asInt();
        send(b, "DELETE", "/v1/endpoints/" + ns + "/web-1", null);

        await().atMost(Duration.ofSeconds(20)).until(() -> send(a, "GET", "/v1/identities/" + id, null).hasNonNull("unusedSince"));
        execute("update identity_unused set since = now() - interval '1 hour' where identity_id = " + id); // as if the grace had passed
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(call(b, "GET", "/v1/identities/" + id, null).statusCode()).isEqualTo(404);
            assertThat(kv.get(Buckets.IDENTITIES, Integer.toString(id), IdentityRecord.class)).isNull();
        });
    }

    @Test
    void aRestartedReplicaRebuildsAndAgrees() throws Exception {
        a.stop();
        int id = send(b, "POST", "/v1/identities", Map.of("labels", List.of("k8s:app=restart-" + run))).path("id").asInt();
        kv.bucket(Buckets.IDENTITIES).delete(Integer.toString(id)); // lost meanwhile: the restart's rebuild brings it back

        a.start();

        assertThat(send(a, "POST", "/v1/identities", Map.of("labels", List.of("k8s:app=restart-" + run))).path("id").asInt()).isEqualTo(id);
        assertThat(kv.get(Buckets.IDENTITIES, Integer.toString(id), IdentityRecord.class).labels()).containsExactly("k8s:app=restart-" + run);
    }

    @Test
    void natsLosingAllItsDataLosesNothing() throws Exception {
        String ns = "wipe-" + run;
        send(a, "PUT", "/v1/namespaces/" + ns, Map.of());
        for (int i = 1; i <= 3; i++) {
            send(i % 2 == 0 ? a : b, "PUT", "/v1/endpoints/" + ns + "/pod-" + i,
                    Map.of("node", "node-a", "ip", "10.250.2." + i, "labels", Map.of("app", "wiped")));
        }

        nats.stopAndWipe();
        assertThat(call(a, "POST", "/v1/identities", Map.of("labels", List.of("k8s:app=while-nats-is-down-" + run))).statusCode())
                .as("no NATS, no new identity").isEqualTo(503);
        nats.start();
        a.awaitReady();
        b.awaitReady();

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            assertThat(new HashSet<>(kv.keys(Buckets.IDENTITIES))).isEqualTo(strings("select id from identity"));
            assertThat(new HashSet<>(kv.keys(Buckets.IPCACHE))).isEqualTo(strings("select ip || '_32' from endpoint"));
        });
        assertThat(count("select count(*) from identity where labels = 'k8s:app=while-nats-is-down-" + run + "'")).isZero();
        assertThat(call(b, "POST", "/v1/identities", Map.of("labels", List.of("k8s:app=after-wipe-" + run))).statusCode()).isEqualTo(201);
    }

    @Test
    void aWatcherRidesThroughANatsRestart() throws Exception {
        KvProbe.Watch identities = kv.watch(Buckets.IDENTITIES);

        nats.stop();
        nats.start();
        a.awaitReady();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> call(a, "POST", "/v1/identities",
                Map.of("labels", List.of("k8s:app=after-restart-" + run))).statusCode() == 201);

        int id = send(b, "GET", "/v1/identities/lookup?labels=k8s:app=after-restart-" + run, null).path("id").asInt();
        List<String> seen = new ArrayList<>();
        // jnats notices that the server lost the watch's consumer by missed heartbeats, then resumes where it was
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            identities.drain(Duration.ofMillis(100)).forEach(change -> seen.add(change.key()));
            return seen.contains(Integer.toString(id));
        });
    }

    // ---- helpers ----

    private static HttpResponse<String> call(ServiceProcess replica, String method, String path, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(replica.url().resolve(URI.create(path.replace(" ", "%20"))))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + ADMIN_TOKEN);
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " on " + replica.name() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A call that must succeed; its JSON body (null node for 204). */
    private static JsonNode send(ServiceProcess replica, String method, String path, Object body) {
        HttpResponse<String> response = call(replica, method, path, body);
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " on " + replica.name() + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return response.body().isEmpty() ? JSON.nullNode() : json(response);
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + response.body(), e);
        }
    }

    private static Connection database() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + ServiceProcess.DATABASE, "septum", "septum");
    }

    private static void execute(String sql) {
        try (Connection c = database(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static long count(String sql) {
        try (Connection c = database(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static Set<String> strings(String sql) {
        Set<String> out = new HashSet<>();
        try (Connection c = database(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
        return out;
    }
}
