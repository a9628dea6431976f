package io.septum.bench.propagation;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.septum.auth.nats.NatsUser;
import io.septum.bench.Repo;
import io.septum.enforcer.agent.EnforcerAgent;
import io.septum.enforcer.agent.Reconciler;
import io.septum.enforcer.agent.auth.BearerToken;
import io.septum.enforcer.agent.cluster.ClusterEvent;
import io.septum.enforcer.agent.endpoints.IdentityServiceClient;
import io.septum.enforcer.agent.endpoints.LocalEndpoint;
import io.septum.enforcer.agent.leases.LeaseClient;
import io.septum.enforcer.agent.tracing.ChangeTracing;
import io.septum.enforcer.datapath.PolicyMapKey;
import io.septum.model.labels.Labels;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;

/**
 * One node enforcer without a kernel: the agent's own control-plane loop, {@link EnforcerAgent} — the assembly
 * {@code EnforcerMain} runs: its NATS connection, {@code ClusterWatch} on the three buckets, {@link Reconciler}
 * (ClusterState, SelectorCache, EndpointPolicyResolver, the map diff), {@code StatusPublisher} on {@code status.<node>}
 * and {@code LeaseRenewer} — with EnforcerMain's defaults and {@link InMemoryMaps} where the kernel's maps would be. Its
 * pods are registered with identity-service under the node's own enforcer token, as the enforcer's local API does
 * when the CNI plugin adds a pod (the identity-service answer gives the identity; identity-service writes the
 * ipcache entry every other node watches). Unlike the real enforcer it keeps no on-disk record of its pods and
 * traces nothing (EnforcerMain's default without --zipkin-endpoint).
 */
final class SimulatedEnforcer implements AutoCloseable {

    /** The kernel defaults of EnforcerMain: --policy-map-entries, --policy-entries-per-endpoint and --status-interval. */
    private static final int POLICY_MAP_ENTRIES = 1 << 20;
    private static final int POLICY_ENTRIES_PER_ENDPOINT = 1 << 16;
    private static final int PREFIX_MAP_ENTRIES = 16384;
    private static final long STATUS_INTERVAL_MILLIS = 2_000;

    private final String node;
    private final InMemoryMaps maps = new InMemoryMaps(POLICY_MAP_ENTRIES, PREFIX_MAP_ENTRIES);
    private final Connection nats;
    private final EnforcerAgent agent;
    private final IdentityServiceClient identityService;
    /** Policies bucket revision → when this node's watch handed that change to its reconciler (System.nanoTime). */
    private final ConcurrentSkipListMap<Long, Long> policyReceived = new ConcurrentSkipListMap<>();
    /** Policies bucket revision a pass realized → when that pass had written the maps (System.nanoTime), first pass only. */
    private final ConcurrentSkipListMap<Long, Long> policyEnforced = new ConcurrentSkipListMap<>();

    private SimulatedEnforcer(String node, Connection nats, URI identityUrl, Path tokenFile) {
        this.node = node;
        this.nats = nats;
        BearerToken token = new BearerToken(Optional.of(tokenFile));
        this.identityService = new IdentityServiceClient(identityUrl, token);
        this.agent = new EnforcerAgent(nats, maps, new EnforcerAgent.Settings(node, "", true, POLICY_ENTRIES_PER_ENDPOINT, Map.of(),
                STATUS_INTERVAL_MILLIS), identityService, new LeaseClient(identityUrl, token), ChangeTracing.off(), new EnforcerAgent.Observer() {
                    @Override
                    public void received(ClusterEvent event) {
                        if (event instanceof ClusterEvent.PolicyUpserted || event instanceof ClusterEvent.PolicyRemoved) {
                            policyReceived.putIfAbsent(event.revision(), System.nanoTime());
                        }
                    }

                    @Override
                    public void applied(Reconciler.Snapshot snapshot) {
                        policyEnforced.putIfAbsent(snapshot.applied().policies(), System.nanoTime());
                    }
                });
    }

    /** Connects to NATS and starts as EnforcerMain does; returns once all three buckets have been read. */
    static SimulatedEnforcer start(String node, String natsUrl, URI identityUrl, Path tokenFile) throws Exception {
        // As the installation's NATS admin: infra/auth.sh makes users for 16 real nodes, not for 100 simulated ones.
        NatsUser admin = Repo.natsAdmin();
        Connection nats = connect(new Options.Builder().server(natsUrl).connectionName("septum-sim-enforcer-" + node)
                .userInfo(admin.name(), admin.password()).maxReconnects(-1).reconnectWait(Duration.ofMillis(500))
                .connectionTimeout(Duration.ofSeconds(10)).build());
        SimulatedEnforcer enforcer = new SimulatedEnforcer(node, nats, identityUrl, tokenFile);
        try {
            enforcer.agent.adopt(List.of());
            enforcer.agent.watch();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!enforcer.snapshot().synced()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("simulated enforcer " + node + ": the buckets were not read within 60 s");
                }
                Thread.sleep(20);
            }
            return enforcer;
        } catch (Exception | Error e) {
            enforcer.close();
            throw e;
        }
    }

    /**
     * The first connection, tried up to five times: on a loaded machine a client can miss the server's authentication
     * timeout (2 s) while a hundred others connect, and jnats reconnects only once it was connected.
     */
    private static Connection connect(Options options) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return Nats.connect(options);
            } catch (IOException e) {
                if (attempt == 5) {
                    throw new IOException("connect " + options.getConnectionName() + " to NATS: " + e.getMessage() + " (5 attempts)", e);
                }
                Thread.sleep(1_000);
            }
        }
    }

    String node() {
        return node;
    }

    /** What the enforcer's local API does for PUT /v1/endpoints/{ns}/{pod}: identity-service first, then the maps. */
    void addPod(LocalEndpoint pod) throws Exception {
        IdentityServiceClient.RegisteredEndpoint registered = identityService.putEndpoint(node, pod);
        agent.reconciler().upsertEndpoint(pod, registered.identity().id(), Labels.parse(registered.identity().labels())).get(60, TimeUnit.SECONDS);
    }

    Reconciler.Snapshot snapshot() throws Exception {
        return agent.reconciler().snapshot().get(30, TimeUnit.SECONDS);
    }

    /** The policies bucket revision of the last policy change this node received; 0 before any. */
    long lastPolicyRevision() {
        return policyReceived.isEmpty() ? 0 : policyReceived.lastKey();
    }

    /** When this node's watch delivered the policies bucket's {@code revision} (System.nanoTime), if it did. */
    Optional<Long> receivedAt(long revision) {
        return Optional.ofNullable(policyReceived.get(revision));
    }

    /** When this node's maps first realized the policies bucket's {@code revision} or a later one (System.nanoTime), if they did. */
    Optional<Long> enforcedAt(long revision) {
        return Optional.ofNullable(policyEnforced.ceilingEntry(revision)).map(Map.Entry::getValue);
    }

    /** The policy map's keys, as the reconciler wrote them. */
    List<PolicyMapKey> policyKeys() {
        return List.copyOf(maps.policyEntries().keySet());
    }

    @Override
    public void close() {
        agent.close();
        try {
            nats.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
