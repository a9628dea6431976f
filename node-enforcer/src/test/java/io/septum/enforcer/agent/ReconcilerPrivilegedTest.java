package io.septum.enforcer.agent;

import static io.septum.enforcer.datapath.PodNetwork.HOST_IF;
import static io.septum.enforcer.datapath.PodNetwork.NODE_IP;
import static io.septum.enforcer.datapath.PodNetwork.NODE_NETNS;
import static io.septum.enforcer.datapath.PodNetwork.POD_IP;
import static io.septum.enforcer.datapath.PodNetwork.POD_NETNS;
import static io.septum.enforcer.datapath.Traffic.PASS_TIMEOUT_MS;
import static io.septum.enforcer.datapath.Traffic.connect;
import static io.septum.enforcer.datapath.Traffic.echoes;
import static io.septum.enforcer.datapath.Traffic.tcpBlocked;
import static io.septum.enforcer.datapath.Traffic.tcpPasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.septum.enforcer.agent.cluster.ClusterEvent;
import io.septum.enforcer.agent.endpoints.EndpointView;
import io.septum.enforcer.agent.endpoints.LocalEndpoint;
import io.septum.enforcer.datapath.Datapath;
import io.septum.enforcer.datapath.DatapathConfig;
import io.septum.enforcer.datapath.Direction;
import io.septum.enforcer.datapath.EndpointInfo;
import io.septum.enforcer.datapath.Ipv4;
import io.septum.enforcer.datapath.PodNetwork;
import io.septum.enforcer.datapath.PolicyMapKey;
import io.septum.enforcer.datapath.PolicyMapValue;
import io.septum.enforcer.datapath.TestPins;
import io.septum.enforcer.datapath.Traffic;
import io.septum.model.identity.K8sIdentityLabels;
import io.septum.model.kv.BucketRevisions;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.IpcacheRecord;
import io.septum.model.labels.Labels;
import io.septum.model.policy.PolicyParser;
import io.septum.model.policy.rules.PolicyRules;
import java.net.Inet4Address;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The reconciler on the real datapath, fed cluster events directly (no NATS): what it writes to the policy map
 * for a change, and what a restarted enforcer does to maps and traffic that a killed one left behind.
 *
 * <p>The e2e model in miniature: pod x/a (10.99.0.2, the endpoint), "pod" x/b at the node's address 10.99.0.1
 * and "pod" y/c at a second node address 10.99.0.4, as the ipcache tells. Needs root; uses network namespaces
 * septest-dp-pod/-node and pins in /sys/fs/bpf/septum/septest-dp-agent, removed afterwards.
 */
@Tag("privileged")
class ReconcilerPrivilegedTest {

    private static final int POD_A = 5001;
    private static final int POD_B = 5002;
    private static final int POD_C = 5003;
    private static final Inet4Address POD_C_IP = Ipv4.parse("10.99.0.4");
    private static final int INGRESS_PORT = 8080;
    private static final int EGRESS_PORT = 9090;
    private static final int BUDGET = 65_536;
    private static final int TCP = 6;
    private static final LocalEndpoint ENDPOINT = new LocalEndpoint("x", "a", HOST_IF, POD_IP.getHostAddress(), Map.of("pod", "a"), List.of());
    private static final String FROM_B = """
            podSelector: {matchLabels: {pod: a}}
            ingress: [{from: [{podSelector: {matchLabels: {pod: b}}}], ports: [%s]}]
            """;
    private static final String TO_SUBNET_BUT_C = """
            podSelector: {matchLabels: {pod: a}}
            policyTypes: [Egress]
            egress: [{to: [{ipBlock: {cidr: 10.99.0.0/24, except: [10.99.0.4/32]}}], ports: [{port: %d}]}]
            """.formatted(EGRESS_PORT);

    private static TestPins pins;
    private static PodNetwork network;

    private final BlockingQueue<Reconciler.Snapshot> applied = new LinkedBlockingQueue<>();
    private final Traffic traffic = new Traffic();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private long revision;

    @BeforeAll
    static void network() {
        assumeTrue(TestPins.isRoot(), "needs root: creates network namespaces and loads BPF programs");
        pins = TestPins.claim("septest-dp-agent");
        network = PodNetwork.create();
        PodNetwork.run("ip", "-n", NODE_NETNS, "addr", "add", POD_C_IP.getHostAddress() + "/24", "dev", HOST_IF);
    }

    @AfterAll
    static void removeNetwork() {
        TestPins.release(pins, network);
    }

    @BeforeEach
    void emptyPins() {
        Datapath.removePins(pins.directory());
    }

    @AfterEach
    void close() throws Exception {
        traffic.close();
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    @Test
    void aPolicyChangeWritesOnlyTheEntriesThatDifferAndUnrelatedChangesWriteNothing() throws Exception {
        Datapath datapath = open();
        Reconciler reconciler = start(datapath, List.of());
        syncCluster(reconciler, policy("from-b", FROM_B.formatted("{port: " + INGRESS_PORT + "}")));
        int ifindex = reconciler.upsertEndpoint(ENDPOINT, POD_A, labels("x", "a")).get(10, TimeUnit.SECONDS).ifindex();
        traffic.tcpEchoServer(POD_NETNS, POD_IP, INGRESS_PORT);
        traffic.tcpEchoServer(POD_NETNS, POD_IP, INGRESS_PORT + 1);
        assertThat(tcpPasses(NODE_NETNS, NODE_IP, POD_IP, INGRESS_PORT)).as("x/b to x/a").isTrue();
        assertThat(tcpBlocked(NODE_NETNS, NODE_IP, POD_IP, INGRESS_PORT + 1)).as("another port").isTrue();

        Map<PolicyMapKey, PolicyMapValue> before = datapath.policy().entries(ifindex);
        long writes = datapath.policy().writes();
        reconciler.submit(new ClusterEvent.PolicyUpserted("from-b", policy("from-b",
                FROM_B.formatted("{port: 80}, {port: " + INGRESS_PORT + "}, {port: " + (INGRESS_PORT + 1) + "}")), ++revision));
        awaitApplied(reconciler);
        Map<PolicyMapKey, PolicyMapValue> after = datapath.policy().entries(ifindex);
        assertThat(after).containsAllEntriesOf(before).hasSize(before.size() + 2)
                .containsKeys(PolicyMapKey.exactPort(ifindex, POD_B, Direction.INGRESS, TCP, 80),
                        PolicyMapKey.exactPort(ifindex, POD_B, Direction.INGRESS, TCP, INGRESS_PORT + 1));
        assertThat(datapath.policy().writes() - writes).as("writes for two new ports").isEqualTo(2);
        assertThat(tcpPasses(NODE_NETNS, NODE_IP, POD_IP, INGRESS_PORT + 1)).as("the new port").isTrue();

        long resolutions = reconciler.resolutions().get();
        writes = datapath.policy().writes();
        reconciler.submit(new ClusterEvent.IdentityUpserted(7000, labels("z", "q"), ++revision));
        reconciler.submit(new ClusterEvent.IpcacheUpserted(new IpcacheRecord("10.1.0.9/32", 7000, "node-1", "z", "q", List.of()), ++revision));
        awaitApplied(reconciler);
        assertThat(datapath.policy().writes() - writes).as("writes for a pod no policy selects").isZero();
        assertThat(reconciler.resolutions().get()).as("the endpoint was not even recomputed").isEqualTo(resolutions);

        reconciler.submit(new ClusterEvent.IdentityUpserted(7001, labels("x", "b"), ++revision)); // a second x/b identity
        awaitApplied(reconciler);
        assertThat(datapath.policy().writes() - writes).as("three ports for the newly selected identity").isEqualTo(3);
        assertThat(reconciler.resolutions().get()).isEqualTo(resolutions + 1);
    }

    /**
     * A policy that does not fit — the endpoint's budget, or (caught only by the kernel) the map — leaves the
     * endpoint's previous entries in place, all of them and nothing more, and the status and the log say why.
     */
    @Test
    void aPolicyThatDoesNotFitLeavesThePreviousOneWholeAndSaysWhy() throws Exception {
        Datapath datapath = open(64);
        Reconciler reconciler = start(datapath, List.of(), 16);
        syncCluster(reconciler, policy("from-b", FROM_B.formatted("{port: " + INGRESS_PORT + "}")));
        int ifindex = reconciler.upsertEndpoint(ENDPOINT, POD_A, labels("x", "a")).get(10, TimeUnit.SECONDS).ifindex();
        traffic.tcpEchoServer(POD_NETNS, POD_IP, INGRESS_PORT);
        Map<PolicyMapKey, PolicyMapValue> previous = datapath.policy().entries(ifindex);
        long writes = datapath.policy().writes();
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel() == Level.WARNING) {
                    warnings.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger.getLogger(Reconciler.class.getName()).addHandler(handler);
        try {
            // Every identity on 20 ports: 60 entries, over the budget of 16.
            String ports = String.join(", ", java.util.stream.IntStream.range(0, 20).mapToObj(i -> "{port: " + (INGRESS_PORT + i) + "}").toList());
            reconciler.submit(new ClusterEvent.PolicyUpserted("from-b", policy("from-b",
                    FROM_B.formatted(ports).replace("podSelector: {matchLabels: {pod: b}}}", "namespaceSelector: {}}")), ++revision));
            String budget = "endpoint x/a: its policy needs 61 map entries, more than the per-endpoint budget of 16 (largest rules: "
                    + "NetworkPolicy x/from-b ingress[0] 60); it keeps enforcing its previous policy";
            assertThat(awaitApplied(reconciler).problems()).containsExactly(budget);
            assertThat(warnings).containsExactly(budget);
            assertThat(datapath.policy().entries(ifindex)).isEqualTo(previous);
            assertThat(datapath.policy().writes() - writes).isZero();
            assertThat(reconciler.endpointViews().get()).singleElement()
                    .returns(budget, EndpointView::problem).returns(previous.size(), EndpointView::policyEntries);
            assertThat(tcpPasses(NODE_NETNS, NODE_IP, POD_IP, INGRESS_PORT)).as("the previous policy, enforced").isTrue();
            long resolutions = reconciler.resolutions().get();
            reconciler.submit(new ClusterEvent.IpcacheUpserted(new IpcacheRecord("10.1.0.9/32", POD_C, "node-1", "y", "d", List.of()), ++revision));
            assertThat(awaitApplied(reconciler).problems()).as("still over budget").containsExactly(budget);
            assertThat(reconciler.resolutions().get()).as("not resolved again: nothing its policy depends on changed")
                    .isEqualTo(resolutions);

            // Entries the reconciler does not know of fill the map: the kernel refuses the batch part-way.
            Map<PolicyMapKey, PolicyMapValue> foreign = new HashMap<>();
            for (int i = 0; foreign.size() + previous.size() < 63; i++) {
                foreign.put(PolicyMapKey.exactPort(4242, 100 + i, Direction.INGRESS, TCP, 80), PolicyMapValue.allow(1));
            }
            datapath.policy().update(foreign, List.of());
            reconciler.submit(new ClusterEvent.PolicyUpserted("from-b", policy("from-b",
                    FROM_B.formatted("{port: " + INGRESS_PORT + "}, {port: 81}, {port: 82}, {port: 83}")), ++revision));
            assertThat(awaitApplied(reconciler).problems()).singleElement().asString()
                    .startsWith("endpoint x/a: writing its policy failed (update map policy (batch: 1 of 3 entries done)")
                    .endsWith("it keeps enforcing its previous policy");
            assertThat(datapath.policy().entries(ifindex)).as("the one entry that got in was taken out again").isEqualTo(previous);

            datapath.policy().update(Map.of(), foreign.keySet());
            reconciler.submit(new ClusterEvent.IpcacheRemoved("10.1.0.9/32", ++revision)); // any change: the endpoint retries
            assertThat(awaitApplied(reconciler).problems()).isEmpty();
            assertThat(datapath.policy().entries(ifindex)).hasSize(previous.size() + 3);
        } finally {
            Logger.getLogger(Reconciler.class.getName()).removeHandler(handler);
        }
    }

    /**
     * What a SIGKILLed enforcer leaves — attached programs, pinned maps, no process — and what its successor does:
     * re-open the pins, adopt the endpoint, wait for the cluster state, write nothing when nothing changed. An
     * established connection keeps working and denied peers stay denied, checked without pause all along.
     */
    @Test
    void aRestartedEnforcerTakesOverWithoutAWindowAndWritesNothingWhenNothingChanged() throws Exception {
        Datapath first = open();
        Reconciler killed = start(first, List.of());
        List<PolicyRules> policies = List.of(policy("from-b", FROM_B.formatted("{port: " + INGRESS_PORT + "}")), policy("to-subnet", TO_SUBNET_BUT_C));
        // An earlier version named another prefix: the CIDR identities in use are not the ones a fresh start
        // would hand out, so only restoring them from the pins lets the successor find its entries right.
        syncCluster(killed, policy("to-subnet", TO_SUBNET_BUT_C.replace("10.99.0", "192.0.2")));
        syncCluster(killed, policies.toArray(PolicyRules[]::new));
        int ifindex = killed.upsertEndpoint(ENDPOINT, POD_A, labels("x", "a")).get(10, TimeUnit.SECONDS).ifindex();
        traffic.tcpEchoServer(POD_NETNS, POD_IP, INGRESS_PORT);
        traffic.tcpEchoServer(NODE_NETNS, NODE_IP, EGRESS_PORT);
        traffic.tcpEchoServer(NODE_NETNS, POD_C_IP, EGRESS_PORT);
        Socket established = connect(NODE_NETNS, NODE_IP, POD_IP, INGRESS_PORT, PASS_TIMEOUT_MS);
        toClose.add(established);
        assertVerdicts("enforced by the first enforcer", established);
        MapContents enforced = MapContents.of(first, ifindex);

        try (Verdicts watch = Verdicts.watch(established)) {
            killed.close(); // as after SIGKILL: nothing is detached, unpinned or deleted
            first.close();
            assertVerdicts("no enforcer running", established);

            Datapath restarted = open();
            Reconciler successor = start(restarted, List.of(ENDPOINT));
            assertVerdicts("adopted, programs replaced, cluster state not yet received", established);
            syncCluster(successor, policies.toArray(PolicyRules[]::new));
            assertVerdicts("cluster state received and reconciled", established);

            assertThat(restarted.policy().writes()).as("policy map writes of the successor").isZero();
            assertThat(MapContents.of(restarted, ifindex)).isEqualTo(enforced);
            assertThat(watch.failures()).as("verdicts that changed while the enforcer was replaced").isEmpty();
            assertThat(watch.rounds()).isPositive();
        }
    }

    private void assertVerdicts(String when, Socket established) throws Exception {
        assertThat(echoes(established, PASS_TIMEOUT_MS)).as(when + ": the established connection").isTrue();
        assertThat(tcpBlocked(NODE_NETNS, POD_C_IP, POD_IP, INGRESS_PORT)).as(when + ": y/c into x/a").isTrue();
        assertThat(tcpPasses(POD_NETNS, NODE_IP, EGRESS_PORT)).as(when + ": x/a to the subnet").isTrue();
        assertThat(tcpBlocked(POD_NETNS, POD_C_IP, EGRESS_PORT)).as(when + ": x/a to the subnet's except").isTrue();
    }

    /** Everything the restart must leave as it was. */
    private record MapContents(Map<PolicyMapKey, PolicyMapValue> policy, Map<?, ?> prefixes, Map<?, ?> ipcache, EndpointInfo endpoint) {
        static MapContents of(Datapath datapath, int ifindex) {
            return new MapContents(datapath.policy().entries(), datapath.prefixes().entries(), datapath.ipcache().entries(),
                    datapath.endpoints().lookup(ifindex).orElseThrow());
        }
    }

    /** Checks both verdicts over and over on a thread of its own, recording every one that differs. */
    private static final class Verdicts implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile int rounds;

        private Verdicts(Socket established) {
            thread = Thread.ofPlatform().name("verdicts").start(() -> {
                while (running.get()) {
                    try {
                        if (!echoes(established, PASS_TIMEOUT_MS)) {
                            failures.add("round " + rounds + ": the established connection did not echo");
                        }
                        if (!tcpBlocked(NODE_NETNS, POD_C_IP, POD_IP, INGRESS_PORT)) {
                            failures.add("round " + rounds + ": y/c got into x/a");
                        }
                    } catch (Exception e) {
                        failures.add("round " + rounds + ": " + e);
                    }
                    rounds++;
                }
            });
        }

        static Verdicts watch(Socket established) {
            return new Verdicts(established);
        }

        List<String> failures() {
            close();
            return failures;
        }

        int rounds() {
            return rounds;
        }

        @Override
        public void close() {
            running.set(false);
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping the verdict checks", e);
            }
        }
    }

    // --- an enforcer without NATS ---

    private Datapath open() {
        return open(1 << 16);
    }

    private Datapath open(int policyMapEntries) {
        Datapath datapath = Datapath.open(DatapathConfig.defaults(pins.directory()).withPolicyMapMaxEntries(policyMapEntries));
        toClose.add(datapath);
        return datapath;
    }

    private Reconciler start(Datapath datapath, List<LocalEndpoint> recorded) throws Exception {
        return start(datapath, recorded, BUDGET);
    }

    private Reconciler start(Datapath datapath, List<LocalEndpoint> recorded, int budget) throws Exception {
        Reconciler reconciler = new Reconciler(datapath, NODE_NETNS, false, budget, applied::add);
        toClose.add(reconciler);
        reconciler.start();
        reconciler.adopt(recorded).get(10, TimeUnit.SECONDS);
        return reconciler;
    }

    /** The whole cluster as the three buckets deliver it, then the end of their initial contents. */
    private void syncCluster(Reconciler reconciler, PolicyRules... policies) throws Exception {
        Map<Integer, Labels> identities = new HashMap<>();
        identities.put(POD_A, labels("x", "a"));
        identities.put(POD_B, labels("x", "b"));
        identities.put(POD_C, labels("y", "c"));
        identities.forEach((id, labels) -> reconciler.submit(new ClusterEvent.IdentityUpserted(id, labels, ++revision)));
        reconciler.submit(new ClusterEvent.IpcacheUpserted(new IpcacheRecord(POD_IP.getHostAddress() + "/32", POD_A, "node-0", "x", "a", List.of()), ++revision));
        reconciler.submit(new ClusterEvent.IpcacheUpserted(new IpcacheRecord(NODE_IP.getHostAddress() + "/32", POD_B, "node-0", "x", "b", List.of()), ++revision));
        reconciler.submit(new ClusterEvent.IpcacheUpserted(new IpcacheRecord(POD_C_IP.getHostAddress() + "/32", POD_C, "node-0", "y", "c", List.of()), ++revision));
        for (PolicyRules rules : policies) {
            reconciler.submit(new ClusterEvent.PolicyUpserted(rules.ref().name(), rules, ++revision));
        }
        assertThat(awaitApplied(reconciler).problems()).as("problems").isEmpty();
    }

    /** Marks every bucket synced at the latest revision and waits until a pass applied it. */
    private Reconciler.Snapshot awaitApplied(Reconciler reconciler) throws InterruptedException {
        long target = ++revision;
        for (String bucket : List.of(Buckets.IDENTITIES, Buckets.IPCACHE, Buckets.POLICIES)) {
            reconciler.submit(new ClusterEvent.BucketSynced(bucket, target));
        }
        BucketRevisions wanted = new BucketRevisions(target, target, target);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Reconciler.Snapshot snapshot = applied.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (snapshot == null) {
                throw new AssertionError("revision " + target + " not applied within 10 s");
            }
            if (snapshot.applied().covers(wanted)) {
                return snapshot;
            }
        }
    }

    private static PolicyRules policy(String name, String spec) throws Exception {
        String doc = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " + name + ", namespace: x}\nspec:\n" + spec.indent(2);
        return PolicyParser.parse(doc).getFirst().toRules().getFirst();
    }

    private static Labels labels(String namespace, String pod) {
        return K8sIdentityLabels.forPod(namespace, Map.of("pod", pod), Map.of());
    }
}
