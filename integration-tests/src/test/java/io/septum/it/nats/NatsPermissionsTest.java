package io.septum.it.nats;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.septum.enforcer.agent.cluster.ClusterEvent;
import io.septum.enforcer.agent.cluster.ClusterWatch;
import io.septum.it.Repo;
import io.septum.model.kv.Buckets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The NATS users and permissions infra/auth.sh generates, on a NATS server of this test's own started with
 * them: each writer writes its own buckets and subjects only, an enforcer watches the buckets (with the
 * enforcer's own {@link ClusterWatch}) and publishes its own status, and the server refuses the rest.
 */
class NatsPermissionsTest {

    private static final String WATCHED = "networkpolicy.team-b.watched";

    @TempDir
    static Path run;
    private static Process server;
    private static String url;

    @BeforeAll
    @SuppressWarnings("try") // jnats' Connection.close() declares InterruptedException, which this thread never gets
    static void startServerWithGeneratedUsers() throws Exception {
        ProcessBuilder generate = new ProcessBuilder(Repo.root().resolve("infra/auth.sh").toString())
                .redirectErrorStream(true).redirectOutput(run.resolve("auth.log").toFile());
        generate.environment().put("SEPTUM_RUN", run.toString());
        generate.environment().put("SEPTUM_NATS_ENFORCER_NODES", "2");
        Process auth = generate.start();
        assertThat(auth.waitFor(60, TimeUnit.SECONDS) && auth.exitValue() == 0)
                .as("infra/auth.sh, see " + run.resolve("auth.log")).isTrue();
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        url = "nats://127.0.0.1:" + port;
        server = new ProcessBuilder("nats-server", "-c", run.resolve("auth/nats/users.conf").toString(), "-a", "127.0.0.1",
                "-p", Integer.toString(port), "-js", "-sd", run.resolve("jetstream").toString())
                .redirectErrorStream(true).redirectOutput(run.resolve("nats.log").toFile()).start();
        waitUntil(Duration.ofSeconds(15), () -> {
            try {
                connect("admin", new CopyOnWriteArrayList<>()).close();
                return true;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        try (Connection admin = connect("admin", new CopyOnWriteArrayList<>())) {
            for (String bucket : List.of(Buckets.IDENTITIES, Buckets.IPCACHE, Buckets.POLICIES)) {
                admin.keyValueManagement().create(KeyValueConfiguration.builder().name(bucket).storageType(StorageType.File).build());
            }
            admin.jetStreamManagement().addStream(StreamConfiguration.builder().name("SEPTUM_STATUS").subjects("status.>")
                    .retentionPolicy(RetentionPolicy.Limits).maxMessagesPerSubject(1).storageType(StorageType.File).build());
        }
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        if (server != null) {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @SuppressWarnings("try") // jnats' Connection.close() declares InterruptedException, which this thread never gets
    void eachServiceWritesOnlyItsOwnBuckets() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        try (Connection identity = connect("identity-service", errors); Connection policy = connect("policy-service", errors)) {
            identity.keyValue(Buckets.IDENTITIES).put("256", "{}".getBytes(StandardCharsets.UTF_8));
            policy.keyValue(Buckets.POLICIES).put("networkpolicy.team-a.a", "{}".getBytes(StandardCharsets.UTF_8));

            assertRefused(() -> identity.keyValue(Buckets.POLICIES).put("networkpolicy.team-a.evil", "{}".getBytes(StandardCharsets.UTF_8)));
            assertRefused(() -> policy.keyValue(Buckets.IPCACHE).put("10.0.0.1", "{}".getBytes(StandardCharsets.UTF_8)));
            assertRefused(() -> identity.jetStreamManagement().purgeStream("KV_" + Buckets.POLICIES));
            assertRefused(() -> policy.jetStreamManagement().deleteStream("KV_" + Buckets.IDENTITIES));
            // Reading another service's bucket is allowed: policy-service and flow-service watch the identities.
            assertThat(policy.keyValue(Buckets.IDENTITIES).keys()).contains("256");
        }
        try (Connection admin = connect("admin", errors)) {
            KeyValue policies = admin.keyValue(Buckets.POLICIES);
            assertThat(policies.keys()).contains("networkpolicy.team-a.a").doesNotContain("networkpolicy.team-a.evil");
            assertThat(admin.keyValue(Buckets.IPCACHE).keys()).isEmpty();
        }
        // The server itself refused each write and each change of a bucket the writer does not own.
        assertThat(errors).anyMatch(e -> e.startsWith("Permissions Violation for Publish to \"$KV.policies.networkpolicy.team-a.evil"));
        assertThat(errors).anyMatch(e -> e.startsWith("Permissions Violation for Publish to \"$KV.ipcache.10.0.0.1"));
        assertThat(errors).anyMatch(e -> e.startsWith("Permissions Violation for Publish to \"$JS.API.STREAM.PURGE.KV_policies"));
        assertThat(errors).anyMatch(e -> e.startsWith("Permissions Violation for Publish to \"$JS.API.STREAM.DELETE.KV_identities"));
    }

    @Test
    @SuppressWarnings("try") // jnats' Connection.close() declares InterruptedException, which this thread never gets
    void anEnforcerWatchesTheBucketsAndPublishesOnlyItsOwnStatus() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        try (Connection policy = connect("policy-service", errors)) {
            policy.keyValue(Buckets.POLICIES).put(WATCHED, "{}".getBytes(StandardCharsets.UTF_8));
        }
        List<ClusterEvent> events = new CopyOnWriteArrayList<>();
        try (Connection enforcer = connect("enforcer-node-0", errors); ClusterWatch watch = new ClusterWatch(enforcer, events::add)) {
            watch.start();
            waitUntil(Duration.ofSeconds(10), () -> events.stream()
                    .anyMatch(e -> e instanceof ClusterEvent.PolicyUpserted p && p.key().equals(WATCHED)
                            || e instanceof ClusterEvent.Unreadable u && u.key().equals(WATCHED))); // "{}" is no policy: read, not understood

            assertThat(enforcer.jetStream().publish("status.node-0", "{}".getBytes(StandardCharsets.UTF_8)).getStream()).isEqualTo("SEPTUM_STATUS");
            assertRefused(() -> enforcer.jetStream().publish("status.node-1", "{}".getBytes(StandardCharsets.UTF_8)));
            assertRefused(() -> enforcer.keyValue(Buckets.POLICIES).put("networkpolicy.team-b.evil", "{}".getBytes(StandardCharsets.UTF_8)));
            assertRefused(() -> enforcer.jetStreamManagement().deleteStream("KV_" + Buckets.POLICIES));
        }
        try (Connection admin = connect("admin", errors)) {
            assertThat(admin.keyValue(Buckets.POLICIES).keys()).doesNotContain("networkpolicy.team-b.evil");
            assertThat(admin.jetStreamManagement().getLastMessage("SEPTUM_STATUS", "status.node-0")).isNotNull();
            assertThatThrownBy(() -> admin.jetStreamManagement().getLastMessage("SEPTUM_STATUS", "status.node-1"))
                    .as("nothing stored for node-1").isNotNull();
        }
        assertThat(errors).anyMatch(e -> e.contains("Permissions Violation for Publish to \"status.node-1\""));
    }

    @Test
    void aWrongPasswordIsRefused() {
        Options options = new Options.Builder().server(url).userInfo("policy-service", "wrong").maxReconnects(0).build();
        assertThatThrownBy(() -> Nats.connect(options).close()).hasMessageContaining("Authorization Violation");
    }

    /** A refused publish either fails at once (request timeout, no responder) or is reported by the server. */
    private static void assertRefused(ThrowingAction action) {
        assertThatThrownBy(action::run).isNotNull();
    }

    private static void waitUntil(Duration within, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within " + within).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    interface ThrowingAction {
        void run() throws Exception;
    }

    private static Connection connect(String user, List<String> errors) throws IOException, InterruptedException {
        String password = Files.readString(run.resolve("auth/nats/" + user + ".password")).strip();
        return Nats.connect(new Options.Builder().server(url).userInfo(user, password)
                .connectionTimeout(Duration.ofSeconds(3))
                .errorListener(new ErrorListener() {
                    @Override
                    public void errorOccurred(Connection conn, String error) {
                        errors.add(error);
                    }
                })
                .build());
    }
}
