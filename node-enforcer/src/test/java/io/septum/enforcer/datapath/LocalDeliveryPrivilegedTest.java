package io.septum.enforcer.datapath;

import static io.septum.enforcer.datapath.Direction.EGRESS;
import static io.septum.enforcer.datapath.Direction.INGRESS;
import static io.septum.enforcer.datapath.DropReason.NONE;
import static io.septum.enforcer.datapath.DropReason.POLICY_DENIED;
import static io.septum.enforcer.datapath.PodNetwork.run;
import static io.septum.enforcer.datapath.Traffic.BLOCK_TIMEOUT_MS;
import static io.septum.enforcer.datapath.Traffic.PASS_TIMEOUT_MS;
import static io.septum.enforcer.datapath.Traffic.connect;
import static io.septum.enforcer.datapath.Traffic.echoes;
import static io.septum.enforcer.datapath.Traffic.tcpBlocked;
import static io.septum.enforcer.datapath.Traffic.tcpPasses;
import static io.septum.enforcer.datapath.Traffic.udpEchoes;
import static io.septum.enforcer.datapath.Verdict.DROPPED;
import static io.septum.enforcer.datapath.Verdict.FORWARDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.septum.enforcer.datapath.libbpf.MonotonicClock;
import io.septum.enforcer.datapath.netns.NetworkNamespace;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Local delivery on a real kernel: two pods on one node, wired as the lab wires them (/32 addresses, a link-local
 * gateway, /32 routes on the node), the programs on both host-side veths. A packet from one pod to the other is
 * judged for both endpoints by from_container and redirected into the destination pod: the node forwards nothing
 * (its IP forwarding counter stays put), yet verdicts, metrics, flow events and connection tracking are those of
 * both endpoints, as on the routed path.
 *
 * <p>Needs root. Creates network namespaces septest-ld-node, septest-ld-a and septest-ld-b and pins in
 * /sys/fs/bpf/septum/septest-dp-local; removes all of them afterwards.
 */
@Tag("privileged")
class LocalDeliveryPrivilegedTest {

    private static final String NODE = "septest-ld-node";
    private static final String POD_A = "septest-ld-a";
    private static final String POD_B = "septest-ld-b";
    private static final String HOST_A = "septest-lda";
    private static final String HOST_B = "septest-ldb";
    private static final String GATEWAY = "169.254.1.1";
    private static final Inet4Address IP_A = Ipv4.parse("10.98.0.2");
    private static final Inet4Address IP_B = Ipv4.parse("10.98.0.3");
    private static final String MAC_HOST_A = "02:00:0a:62:01:02";
    private static final String MAC_HOST_B = "02:00:0a:62:01:03";
    private static final String MAC_A = "02:00:0a:62:00:02";
    private static final String MAC_B = "02:00:0a:62:00:03";
    private static final int EP_A = 21;
    private static final int EP_B = 22;
    private static final int IDENTITY_A = 6001;
    private static final int IDENTITY_B = 6002;
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int RULE_B_INGRESS = 77;
    private static final AtomicInteger PORTS = new AtomicInteger(32000);

    private static final EventCollector events = new EventCollector();
    private static TestPins pins;
    private static Datapath datapath;
    private static int ifindexA;
    private static int ifindexB;

    @BeforeAll
    static void setUp() {
        assumeTrue(TestPins.isRoot(), "needs root: creates network namespaces and loads BPF programs");
        pins = TestPins.claim("septest-dp-local");
        try {
            createNetwork();
            datapath = Datapath.open(DatapathConfig.defaults(pins.directory()).withRingBufferBytes(256 * 1024));
            ifindexA = datapath.attach(NODE, HOST_A);
            ifindexB = datapath.attach(NODE, HOST_B);
            datapath.openEvents(events);
        } catch (RuntimeException | Error e) {
            tearDown();
            throw e;
        }
    }

    /** The lab's wiring in miniature; static neighbours, so no test leaves address resolution pending. */
    private static void createNetwork() {
        removeNamespaces();
        for (String netns : List.of(NODE, POD_A, POD_B)) {
            run("ip", "netns", "add", netns);
            run("ip", "netns", "exec", netns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                    "net.ipv6.conf.default.disable_ipv6=1");
            run("ip", "-n", netns, "link", "set", "lo", "up");
        }
        run("ip", "netns", "exec", NODE, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        wirePod(POD_A, HOST_A, IP_A, MAC_A, MAC_HOST_A);
        wirePod(POD_B, HOST_B, IP_B, MAC_B, MAC_HOST_B);
    }

    private static void wirePod(String pod, String hostIf, Inet4Address ip, String podMac, String hostMac) {
        String address = ip.getHostAddress();
        run("ip", "link", "add", hostIf, "address", hostMac, "netns", NODE, "type", "veth",
                "peer", "name", "eth0", "address", podMac, "netns", pod);
        run("ip", "-n", NODE, "link", "set", hostIf, "up");
        run("ip", "-n", pod, "link", "set", "eth0", "up");
        run("ip", "-n", pod, "addr", "add", address + "/32", "dev", "eth0");
        run("ip", "-n", pod, "route", "add", GATEWAY, "dev", "eth0", "scope", "link");
        run("ip", "-n", pod, "route", "add", "default", "via", GATEWAY, "dev", "eth0");
        run("ip", "-n", pod, "neigh", "replace", GATEWAY, "lladdr", hostMac, "dev", "eth0", "nud", "permanent");
        run("ip", "-n", NODE, "route", "add", address + "/32", "dev", hostIf);
        run("ip", "-n", NODE, "neigh", "replace", address, "lladdr", podMac, "dev", hostIf, "nud", "permanent");
    }

    @AfterAll
    static void tearDown() {
        TestPins.release(pins, datapath, LocalDeliveryPrivilegedTest::removeNamespaces);
    }

    private static void removeNamespaces() {
        for (String netns : List.of(POD_A, POD_B, NODE)) {
            if (Files.exists(NetworkNamespace.path(netns))) {
                run("ip", "netns", "del", netns);
            }
        }
    }

    private final Traffic traffic = new Traffic();

    @AfterEach
    void stopServers() throws IOException {
        traffic.close();
    }

    /**
     * Both pods: egress open to all, ingress closed but for B's one allowed port from A (set per test). So a
     * reply into A passes only as a tracked reply, and B refuses everything else.
     */
    @BeforeEach
    void endpoints() {
        datapath.policy().update(Map.of(), datapath.policy().entries().keySet());
        datapath.conntrack().entries().forEach(entry -> datapath.conntrack().delete(entry.key()));
        datapath.endpoints().put(ifindexA, new EndpointInfo(EP_A, IDENTITY_A, IP_A, 1, 0));
        datapath.endpoints().put(ifindexB, new EndpointInfo(EP_B, IDENTITY_B, IP_B, 1, 0));
        datapath.ipcache().put(Ipv4Prefix.host(IP_A), new IpcacheValue(IDENTITY_A, null, 0));
        datapath.ipcache().put(Ipv4Prefix.host(IP_B), new IpcacheValue(IDENTITY_B, null, 0));
        datapath.policy().put(PolicyMapKey.anyProtocol(EP_A, 0, EGRESS), PolicyMapValue.allow(1));
        datapath.policy().put(PolicyMapKey.anyProtocol(EP_B, 0, EGRESS), PolicyMapValue.allow(2));
    }

    private static PolicyMapKey allowIntoB(int protocol, int port) {
        PolicyMapKey key = PolicyMapKey.exactPort(EP_B, IDENTITY_A, INGRESS, protocol, port);
        datapath.policy().put(key, PolicyMapValue.allow(RULE_B_INGRESS));
        return key;
    }

    private static long packets(Verdict verdict, Direction direction, DropReason reason) {
        return datapath.metrics().read().stream()
                .filter(s -> s.verdict() == verdict && s.direction() == direction && s.reason() == reason)
                .mapToLong(MetricsSample::packets).sum();
    }

    /** Datagrams the node's IP stack forwarded (its /proc/net/snmp Ip ForwDatagrams). */
    private static long nodeForwarded() throws IOException {
        List<String> snmp = NetworkNamespace.call(NODE, () -> Files.readAllLines(Path.of("/proc/thread-self/net/snmp")));
        List<String> names = Arrays.asList(snmp.get(0).split(" "));
        return Long.parseLong(snmp.get(1).split(" ")[names.indexOf("ForwDatagrams")]);
    }

    @Test
    void anAllowedConnectionBetweenLocalPodsBypassesTheNodeAndIsAccountedForBothEndpoints() throws Exception {
        int port = PORTS.getAndIncrement();
        allowIntoB(TCP, port);
        traffic.tcpEchoServer(POD_B, IP_B, port);
        long start = MonotonicClock.nanos();
        long forwardedBefore = nodeForwarded();
        long egressBefore = packets(FORWARDED, EGRESS, NONE);
        long ingressBefore = packets(FORWARDED, INGRESS, NONE);

        assertThat(tcpPasses(POD_A, IP_B, port)).as("A to B, and B's replies into A").isTrue();

        assertThat(nodeForwarded()).as("datagrams the node routed").isEqualTo(forwardedBefore);
        // Both directions of the connection, each counted once per endpoint: A's egress and B's ingress (A to B),
        // B's egress and A's ingress (the replies). At least SYN, ACK, data, FIN each way.
        assertThat(packets(FORWARDED, EGRESS, NONE) - egressBefore).isGreaterThanOrEqualTo(6);
        assertThat(packets(FORWARDED, INGRESS, NONE) - ingressBefore).isGreaterThanOrEqualTo(6);
        FlowEvent fromA = events.await("A's egress SYN",
                e -> e.timestampNs() > start && e.destinationPort() == port && e.direction() == EGRESS);
        assertThat(fromA).returns(FORWARDED, FlowEvent::verdict).returns(EP_A, FlowEvent::endpointId)
                .returns(ifindexA, FlowEvent::ifindex).returns(IDENTITY_A, FlowEvent::sourceIdentity)
                .returns(IDENTITY_B, FlowEvent::destinationIdentity).returns(1, FlowEvent::ruleRef);
        FlowEvent intoB = events.await("B's ingress SYN",
                e -> e.timestampNs() > start && e.destinationPort() == port && e.direction() == INGRESS);
        assertThat(intoB).returns(FORWARDED, FlowEvent::verdict).returns(EP_B, FlowEvent::endpointId)
                .returns(ifindexB, FlowEvent::ifindex).returns(IDENTITY_A, FlowEvent::sourceIdentity)
                .returns(IDENTITY_B, FlowEvent::destinationIdentity).returns(RULE_B_INGRESS, FlowEvent::ruleRef)
                .returns(IP_A, FlowEvent::source).returns(IP_B, FlowEvent::destination).returns(false, FlowEvent::reply);
        Thread.sleep(200); // the reader's drain interval: every event of the exchange is in
        assertThat(events.matching(e -> e.timestampNs() > start && (e.destinationPort() == port || e.sourcePort() == port)))
                .as("one event per endpoint for the new connection, none for its later packets").hasSize(2);
        assertThat(datapath.conntrack().entries()).anyMatch(ct -> ct.key().endpointId() == EP_A
                && ct.key().peerPort() == port && ct.key().connectionDirection() == EGRESS);
        assertThat(datapath.conntrack().entries()).anyMatch(ct -> ct.key().endpointId() == EP_B
                && ct.key().localPort() == port && ct.key().connectionDirection() == INGRESS);
    }

    @Test
    void udpBetweenLocalPodsIsDeliveredAndAnswered() throws Exception {
        int port = PORTS.getAndIncrement();
        allowIntoB(UDP, port);
        traffic.udpEchoServer(POD_B, IP_B, port);
        long forwardedBefore = nodeForwarded();

        assertThat(udpEchoes(POD_A, IP_B, port, PASS_TIMEOUT_MS)).isTrue();
        assertThat(nodeForwarded()).isEqualTo(forwardedBefore);
    }

    @Test
    void theDestinationsIngressPolicyDropsWhatItsSourceMaySend() throws Exception {
        int port = PORTS.getAndIncrement();
        allowIntoB(TCP, port);
        traffic.tcpEchoServer(POD_B, IP_B, port + 1000);
        traffic.tcpEchoServer(POD_A, IP_A, port);
        long start = MonotonicClock.nanos();
        long droppedBefore = packets(DROPPED, INGRESS, POLICY_DENIED);

        assertThat(tcpBlocked(POD_A, IP_B, port + 1000)).as("A to B on a port B does not allow").isTrue();
        assertThat(tcpBlocked(POD_B, IP_A, port)).as("B to A, whose ingress allows nothing").isTrue();

        assertThat(packets(DROPPED, INGRESS, POLICY_DENIED)).isGreaterThan(droppedBefore);
        FlowEvent intoB = events.await("B's ingress drop",
                e -> e.timestampNs() > start && e.destinationPort() == port + 1000 && e.verdict() == DROPPED);
        assertThat(intoB).returns(POLICY_DENIED, FlowEvent::reason).returns(INGRESS, FlowEvent::direction)
                .returns(EP_B, FlowEvent::endpointId).returns(ifindexB, FlowEvent::ifindex)
                .returns(IDENTITY_A, FlowEvent::sourceIdentity);
        FlowEvent fromA = events.await("A's egress of the dropped SYN",
                e -> e.timestampNs() > start && e.destinationPort() == port + 1000 && e.direction() == EGRESS);
        assertThat(fromA).as("A's egress allowed it; B's ingress dropped it").returns(FORWARDED, FlowEvent::verdict);
        FlowEvent intoA = events.await("A's ingress drop",
                e -> e.timestampNs() > start && e.destinationPort() == port && e.verdict() == DROPPED);
        assertThat(intoA).returns(EP_A, FlowEvent::endpointId).returns(ifindexA, FlowEvent::ifindex);
    }

    @Test
    void anOpenConnectionIsRevokedWhenTheDestinationsPolicyNoLongerAllowsIt() throws Exception {
        int port = PORTS.getAndIncrement();
        PolicyMapKey allow = allowIntoB(TCP, port);
        // B's egress closed too: else B's next segment would open an egress connection whose replies A's are.
        datapath.policy().update(Map.of(), List.of(PolicyMapKey.anyProtocol(EP_B, 0, EGRESS)));
        traffic.tcpEchoServer(POD_B, IP_B, port);
        try (Socket socket = connect(POD_A, IP_B, port)) {
            assertThat(echoes(socket, PASS_TIMEOUT_MS)).as("allowed").isTrue();
            datapath.policy().update(Map.of(), List.of(allow));
            assertThat(echoes(socket, PASS_TIMEOUT_MS)).as("entry gone, B's epoch unchanged").isTrue();

            long start = MonotonicClock.nanos();
            datapath.endpoints().put(ifindexB, new EndpointInfo(EP_B, IDENTITY_B, IP_B, 2, 0));
            assertThat(echoes(socket, BLOCK_TIMEOUT_MS)).as("re-checked against B's new policy").isFalse();
            FlowEvent drop = events.await("drop of the open connection at B",
                    e -> e.timestampNs() > start && e.sourcePort() == socket.getLocalPort() && e.verdict() == DROPPED);
            assertThat(drop).returns(POLICY_DENIED, FlowEvent::reason).returns(EP_B, FlowEvent::endpointId)
                    .returns(INGRESS, FlowEvent::direction);
            assertThat(datapath.conntrack().entries()).noneMatch(ct -> ct.key().endpointId() == EP_B
                    && ct.key().peerPort() == socket.getLocalPort() && !ct.expiredAt(MonotonicClock.nanos()));
            socket.setSoLinger(true, 0);
        }
    }

    @Test
    void withoutTheDestinationsEndpointEntryTheNodeRoutesAndToContainerDrops() throws Exception {
        int port = PORTS.getAndIncrement();
        allowIntoB(TCP, port);
        traffic.tcpEchoServer(POD_B, IP_B, port);
        datapath.endpoints().delete(ifindexB);
        long forwardedBefore = nodeForwarded();

        assertThat(tcpBlocked(POD_A, IP_B, port)).isTrue();
        assertThat(nodeForwarded()).as("not local: routed by the node").isGreaterThan(forwardedBefore);
        assertThat(packets(DROPPED, INGRESS, DropReason.UNKNOWN_ENDPOINT)).isPositive();
    }
}
