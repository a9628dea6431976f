package io.septum.enforcer.datapath;

import static io.septum.enforcer.datapath.Direction.EGRESS;
import static io.septum.enforcer.datapath.Direction.INGRESS;
import static io.septum.enforcer.datapath.DropReason.FRAGMENT_UNSUPPORTED;
import static io.septum.enforcer.datapath.DropReason.INVALID_SOURCE_IP;
import static io.septum.enforcer.datapath.DropReason.MALFORMED_PACKET;
import static io.septum.enforcer.datapath.DropReason.NONE;
import static io.septum.enforcer.datapath.DropReason.POLICY_DENIED;
import static io.septum.enforcer.datapath.DropReason.POLICY_DENY_RULE;
import static io.septum.enforcer.datapath.DropReason.UNKNOWN_ENDPOINT;
import static io.septum.enforcer.datapath.DropReason.UNSUPPORTED_L3;
import static io.septum.enforcer.datapath.PodNetwork.HOST_IF;
import static io.septum.enforcer.datapath.PodNetwork.NODE_IP;
import static io.septum.enforcer.datapath.PodNetwork.NODE_NETNS;
import static io.septum.enforcer.datapath.PodNetwork.POD_IP;
import static io.septum.enforcer.datapath.PodNetwork.POD_NETNS;
import static io.septum.enforcer.datapath.PodNetwork.SPOOFED_IP;
import static io.septum.enforcer.datapath.Traffic.BLOCK_TIMEOUT_MS;
import static io.septum.enforcer.datapath.Traffic.PASS_TIMEOUT_MS;
import static io.septum.enforcer.datapath.Traffic.connect;
import static io.septum.enforcer.datapath.Traffic.echoes;
import static io.septum.enforcer.datapath.Traffic.tcpBlocked;
import static io.septum.enforcer.datapath.Traffic.tcpPasses;
import static io.septum.enforcer.datapath.Traffic.udpEchoes;
import static io.septum.enforcer.datapath.Verdict.AUDIT;
import static io.septum.enforcer.datapath.Verdict.DROPPED;
import static io.septum.enforcer.datapath.Verdict.FORWARDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.septum.enforcer.datapath.libbpf.MonotonicClock;
import io.septum.enforcer.datapath.netns.NetworkNamespace;
import java.io.IOException;
import java.net.Socket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The datapath on a real kernel with real packets: a pod namespace and a node namespace joined by a veth,
 * the programs on the node's end, traffic from Java sockets opened inside the namespaces, verdicts checked
 * by what gets through, by the metrics and by the flow events read back from the ring buffer.
 *
 * <p>Needs root. Creates network namespaces septest-dp-pod and septest-dp-node and pins in
 * /sys/fs/bpf/septum/septest-dp; removes all of them afterwards, also when a test fails.
 */
@Tag("privileged")
class DatapathPrivilegedTest {

    private static final int EP_ID = 7;
    private static final int POD_IDENTITY = 5001;
    private static final int NODE_IDENTITY = 1000;
    private static final int WORLD_IDENTITY = 2;
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ICMP = 1;
    private static final int SCTP = 132;
    /** Node-local CIDR identities (NumericIdentity.LOCAL_FLAG set), as the control plane gives prefixes. */
    private static final int CIDR_BLOCK = 0x0100_0001;
    private static final int CIDR_EXCEPT = 0x0100_0002;
    private static final int CIDR_ALL = 0x0100_0003;
    private static final int ICMP_ECHO_REQUEST = 8;
    private static final int TCP_SYN = 0x02;
    private static final int TC_ACT_OK = 0;
    private static final int TC_ACT_SHOT = 2;
    private static final AtomicInteger PORTS = new AtomicInteger(31000);

    private static final EventCollector events = new EventCollector();
    private static AttachedPod pod;
    private static Datapath datapath;
    private static int ifindex;

    @BeforeAll
    static void setUp() {
        pod = AttachedPod.open("septest-dp", events);
        datapath = pod.datapath();
        ifindex = pod.ifindex();
    }

    @AfterAll
    static void tearDown() {
        if (pod != null) {
            pod.close();
        }
    }

    private final Traffic traffic = new Traffic();

    @AfterEach
    void stopServers() throws IOException {
        traffic.close();
    }

    /** Every test starts from empty maps (the metrics only grow: tests compare before and after). */
    @BeforeEach
    void emptyMaps() {
        datapath.endpoints().entries().keySet().forEach(datapath.endpoints()::delete);
        datapath.policy().update(Map.of(), datapath.policy().entries().keySet());
        datapath.ipcache().entries().keySet().forEach(datapath.ipcache()::delete);
        datapath.prefixes().entries().keySet().forEach(datapath.prefixes()::delete);
        datapath.conntrack().entries().forEach(entry -> datapath.conntrack().delete(entry.key()));
    }

    private static EndpointInfo installEndpoint(int flags) {
        EndpointInfo info = new EndpointInfo(EP_ID, POD_IDENTITY, POD_IP, 1, flags);
        datapath.endpoints().put(ifindex, info);
        datapath.ipcache().put(Ipv4Prefix.host(NODE_IP), new IpcacheValue(NODE_IDENTITY, null, 0));
        return info;
    }

    /** An egress allow entry for the pod's connections to the node on {@code port}. */
    private static PolicyMapKey allowPodToNode(int protocol, int port, int ruleRef) {
        PolicyMapKey key = PolicyMapKey.exactPort(EP_ID, NODE_IDENTITY, EGRESS, protocol, port);
        datapath.policy().put(key, PolicyMapValue.allow(ruleRef));
        return key;
    }

    private static long packets(Verdict verdict, Direction direction, DropReason reason) {
        return datapath.metrics().read().stream()
                .filter(s -> s.verdict() == verdict && s.direction() == direction && s.reason() == reason)
                .mapToLong(MetricsSample::packets).sum();
    }

    private static int nextPort() {
        return PORTS.getAndIncrement();
    }

    @Test
    void packetsOfAnInterfaceWithoutEndpointAreDropped() throws Exception {
        long start = MonotonicClock.nanos();
        long before = packets(DROPPED, EGRESS, UNKNOWN_ENDPOINT);
        int port = nextPort();

        traffic.tcpEchoServer(NODE_NETNS, NODE_IP, port);
        assertThat(tcpBlocked(POD_NETNS, NODE_IP, port)).isTrue();

        assertThat(packets(DROPPED, EGRESS, UNKNOWN_ENDPOINT)).isGreaterThan(before);
        FlowEvent drop = events.await("UNKNOWN_ENDPOINT", e -> e.timestampNs() > start && e.reason() == UNKNOWN_ENDPOINT);
        assertThat(drop).returns(DROPPED, FlowEvent::verdict).returns(EGRESS, FlowEvent::direction)
                .returns(0, FlowEvent::endpointId).returns(ifindex, FlowEvent::ifindex);
    }

    @Test
    void withoutPolicyEntriesNewConnectionsAreDeniedCountedAndReported() throws Exception {
        installEndpoint(0);
        long start = MonotonicClock.nanos();
        long egressBefore = packets(DROPPED, EGRESS, POLICY_DENIED);
        long ingressBefore = packets(DROPPED, INGRESS, POLICY_DENIED);
        int port = nextPort();

        traffic.tcpEchoServer(NODE_NETNS, NODE_IP, port);
        traffic.tcpEchoServer(POD_NETNS, POD_IP, port);
        assertThat(tcpBlocked(POD_NETNS, NODE_IP, port)).as("pod to node").isTrue();
        assertThat(tcpBlocked(NODE_NETNS, POD_IP, port)).as("node to pod").isTrue();

        assertThat(packets(DROPPED, EGRESS, POLICY_DENIED)).isGreaterThan(egressBefore);
        assertThat(packets(DROPPED, INGRESS, POLICY_DENIED)).isGreaterThan(ingressBefore);
        FlowEvent egress = events.await("egress SYN drop",
                e -> e.timestampNs() > start && e.direction() == EGRESS && e.destinationPort() == port);
        assertThat(egress)
                .returns(DROPPED, FlowEvent::verdict).returns(POLICY_DENIED, FlowEvent::reason)
                .returns(EP_ID, FlowEvent::endpointId).returns(ifindex, FlowEvent::ifindex)
                .returns(POD_IDENTITY, FlowEvent::sourceIdentity).returns(NODE_IDENTITY, FlowEvent::destinationIdentity)
                .returns(POD_IP, FlowEvent::source).returns(NODE_IP, FlowEvent::destination)
                .returns(TCP, FlowEvent::protocol).returns(0, FlowEvent::ruleRef).returns(false, FlowEvent::reply);
        assertThat(egress.tcpFlags() & TCP_SYN).isNotZero();
        assertThat(egress.sourcePort()).isPositive();
        assertThat(egress.packetLength()).isGreaterThanOrEqualTo(14 + 20 + 20);
        FlowEvent ingress = events.await("ingress SYN drop",
                e -> e.timestampNs() > start && e.direction() == INGRESS && e.destinationPort() == port);
        assertThat(ingress)
                .returns(DROPPED, FlowEvent::verdict).returns(POLICY_DENIED, FlowEvent::reason)
                .returns(NODE_IDENTITY, FlowEvent::sourceIdentity).returns(POD_IDENTITY, FlowEvent::destinationIdentity)
                .returns(NODE_IP, FlowEvent::source).returns(POD_IP, FlowEvent::destination);
    }

    @Test
    void aPeerNoIpcachePrefixCoversIsTheWorld() throws Exception {
        installEndpoint(0);
        datapath.ipcache().delete(Ipv4Prefix.host(NODE_IP));
        long start = MonotonicClock.nanos();
        int port = nextPort();

        traffic.tcpEchoServer(NODE_NETNS, NODE_IP, port);
        assertThat(tcpBlocked(POD_NETNS, NODE_IP, port)).isTrue();

        FlowEvent drop = events.await("drop", e -> e.timestampNs() > start && e.destinationPort() == port);
        assertThat(drop.destinationIdentity()).isEqualTo(WORLD_IDENTITY);
    }

    static Stream<Arguments> allowEntries() {
        return Stream.of(
                Arguments.of("the peer's identity, exact port",
                        (IntFunction<PolicyMapKey>) port -> PolicyMapKey.exactPort(EP_ID, NODE_IDENTITY, EGRESS, TCP, port)),
                Arguments.of("any peer, exact port",
                        (IntFunction<PolicyMapKey>) port -> PolicyMapKey.exactPort(EP_ID, 0, EGRESS, TCP, port)),
                Arguments.of("the peer's identity, TCP on any port",
                        (IntFunction<PolicyMapKey>) port -> PolicyMapKey.anyPort(EP_ID, NODE_IDENTITY, EGRESS, TCP)),
                Arguments.of("the peer's identity, a 16-port range",
                        (IntFunction<PolicyMapKey>) port -> PolicyMapKey.portPrefix(EP_ID, NODE_IDENTITY, EGRESS, TCP, port & 0xfff0, 12)),
                Arguments.of("any peer, any protocol",
                        (IntFunction<PolicyMapKey>) port -> PolicyMapKey.anyProtocol(EP_ID, 0, EGRESS)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allowEntries")
    void anAllowEntryLetsAConnectionThroughAndItsRepliesBack(String entry, IntFunction<PolicyMapKey> key) throws Exception {
        installEndpoint(0);
        int port = nextPort();
        datapath.policy().put(key.apply(port), PolicyMapValue.allow(4242));
        long start = MonotonicClock.nanos();
        long repliesBefore = packets(FORWARDED, INGRESS, NONE);

        traffic.tcpEchoServer(NODE_NETNS, NODE_IP, port);
        assertThat(tcpPasses(POD_NETNS, NODE_IP, port)).isTrue();

        FlowEvent opened = events.await("new connection", e -> e.timestampNs() > start && e.destinationPort() == port);
        assertThat(opened).returns(FORWARDED, FlowEvent::verdict).returns(NONE, FlowEvent::reason)
                .returns(4242, FlowEvent::ruleRef).returns(EGRESS, FlowEvent::direction);
        assertThat(packets(FORWARDED, INGRESS, NONE)).as("replies, let in by conntrack").isGreaterThan(repliesBefore);
        assertThat(events.matching(e -> e.timestampNs() > start && (e.sourcePort() == port || e.destinationPort() == port)))
                .as("one event per connection, none for its later packets").hasSize(1);
        assertThat(datapath.conntrack().entries()).anySatisfy(ct -> {
            assertThat(ct.key()).returns(EP_ID, ConntrackKey::endpointId).returns(NODE_IP, ConntrackKey::peerAddress)
                    .returns(port, ConntrackKey::peerPort).returns(EGRESS, ConntrackKey::connectionDirection);
            assertThat(ct).returns(NODE_IDENTITY, ConntrackEntry::peerIdentity).returns(4242, ConntrackEntry::ruleRef);
            assertThat(ct.packets()).isGreaterThanOrEqualTo(4);
            assertThat(ct.expiredAt(MonotonicClock.nanos())).isFalse();
        });
    }

    @Test
    void anIngressEntryLetsTheNodeIntoThePodButNotThePodOut() throws Exception {
        installEndpoint(0);
        int port = nextPort();
        datapath.policy().put(PolicyMapKey.exactPort(EP_ID, NODE_IDENTITY, INGRESS, TCP, port), PolicyMapValue.allow(17));
        long start = MonotonicClock.nanos();

        traffic.tcpEchoServer(POD_NETNS, POD_IP, port);
        traffic.tcpEchoServer(NODE_NETNS, NODE_IP, port);
        assertThat(tcpPasses(NODE_NETNS, POD_IP, port)).as("node to pod").isTrue();
        assertThat(tcpBlocked(POD_NETNS, NODE_IP, port)).as("pod to node").isTrue();

        FlowEvent opened = events.await("ingress connection",
                e -> e.timestampNs() > start && e.destinationPort() == port && e.verdict() == FORWARDED);
        assertThat(opened).returns(INGRESS, FlowEvent::direction).returns(17, FlowEvent::ruleRef)
                .returns(NODE_IDENTITY, FlowEvent::sourceIdentity).returns(POD_IDENTITY, FlowEvent::destinationIdentity);
    }

    @Test
    void udpRepliesComeBackThroughConntrack() throws Exception {
        installEndpoint(0);
        int port = nextPort();

        traffic.udpEchoServer(NODE_NETNS, NODE_IP, port);
        assertThat(udpEchoes(POD_NETNS, NODE_IP, port, BLOCK_TIMEOUT_MS)).as("without an entry").isFalse();
        allowPodToNode(UDP, port, 5);
        assertThat(udpEchoes(POD_NETNS, NODE_IP, port, PASS_TIMEOUT_MS)).as("with an egress entry").isTrue();
    }

    @Test
    void icmpEchoRepliesComeBackThroughConntrack() throws Exception {
        installEndpoint(0);
        long start = MonotonicClock.nanos();

        assertThat(ping(BLOCK_TIMEOUT_MS)).as("without an entry").isFalse();
        allowPodToNode(ICMP, ICMP_ECHO_REQUEST, 8);
        assertThat(ping(PASS_TIMEOUT_MS)).as("with an entry for echo requests (the ICMP type is the port)").isTrue();

        FlowEvent opened = events.await("echo request", e -> e.timestampNs() > start && e.protocol() == ICMP && e.verdict() == FORWARDED);
        assertThat(opened.sourcePort()).as("echo id as both ports").isEqualTo(opened.destinationPort());
        assertThat(datapath.conntrack().entries()).anyMatch(ct -> ct.key().protocol() == ICMP && ct.packets() >= 2);
    }

    /** An ICMP echo from the pod to the node (as root, Java sends a real echo request on a raw socket). */
    private static boolean ping(int timeoutMs) throws IOException {
        return NetworkNamespace.call(POD_NETNS, () -> NODE_IP.isReachable(timeoutMs));
    }

    static Stream<Arguments> denyOverAllow() {
        return Stream.of(
                Arguments.of("a deny for any peer beats an allow for the peer",
                        (IntFunction<PolicyMapKey>) port -> PolicyMapKey.exactPort(EP_ID, NODE_IDENTITY, EGRESS, TCP, port),
                        (IntFunction<PolicyMapKey>) port -> PolicyMapKey.anyPort(EP_ID, 0, EGRESS, TCP)),
                Arguments.of("a deny for the peer beats an allow for any peer",
                        (IntFunction<PolicyMapKey>) port -> PolicyMapKey.exactPort(EP_ID, 0, EGRESS, TCP, port),
                        (IntFunction<PolicyMapKey>) port -> PolicyMapKey.anyProtocol(EP_ID, NODE_IDENTITY, EGRESS)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("denyOverAllow")
    void aDenyEntryWinsOverAnAllowEntry(String why, IntFunction<PolicyMapKey> allow, IntFunction<PolicyMapKey> deny)
            throws Exception {
        installEndpoint(0);
        int port = nextPort();
        datapath.policy().update(Map.of(allow.apply(port), PolicyMapValue.allow(1), deny.apply(port), PolicyMapValue.deny(666)),
                List.of());
        long start = MonotonicClock.nanos();

        traffic.tcpEchoServer(NODE_NETNS, NODE_IP, port);
        assertThat(tcpBlocked(POD_NETNS, NODE_IP, port)).isTrue();

        FlowEvent drop = events.await("deny", e -> e.timestampNs() > start && e.destinationPort() == port);
        assertThat(drop).returns(DROPPED, FlowEvent::verdict).returns(POLICY_DENY_RULE, FlowEvent::reason)
                .returns(666, FlowEvent::ruleRef);
    }

    /** One row of the ipBlock table: what the prefixes map holds and which identities the pod may reach on the port. */
    record IpBlockCase(String name, boolean peerInIpcache, Map<String, Integer> prefixes, Map<Integer, Boolean> denyByIdentity,
            boolean passes, DropReason reason, int ruleRef) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<IpBlockCase> ipBlocks() {
        return Stream.of(
                new IpBlockCase("a block containing a pod's address allows it, although the ipcache knows the pod", true,
                        Map.of("10.99.0.0/24", CIDR_BLOCK), Map.of(CIDR_BLOCK, false), true, NONE, CIDR_BLOCK),
                new IpBlockCase("an except /32 carves the pod's address out of the block", true,
                        Map.of("10.99.0.0/24", CIDR_BLOCK, "10.99.0.1/32", CIDR_EXCEPT), Map.of(CIDR_BLOCK, false), false, POLICY_DENIED, 0),
                new IpBlockCase("0.0.0.0/0 contains pods", true,
                        Map.of("0.0.0.0/0", CIDR_ALL), Map.of(CIDR_ALL, false), true, NONE, CIDR_ALL),
                new IpBlockCase("0.0.0.0/0 contains an address the ipcache does not know (the world)", false,
                        Map.of("0.0.0.0/0", CIDR_ALL), Map.of(CIDR_ALL, false), true, NONE, CIDR_ALL),
                new IpBlockCase("the world identity does not stand for a pod", true,
                        Map.of(), Map.of(WORLD_IDENTITY, false), false, POLICY_DENIED, 0),
                new IpBlockCase("a block not containing the address allows nothing", true,
                        Map.of("10.98.0.0/16", CIDR_BLOCK), Map.of(CIDR_BLOCK, false), false, POLICY_DENIED, 0),
                new IpBlockCase("a deny of the block wins over an allow of the peer's identity", true,
                        Map.of("10.99.0.0/24", CIDR_BLOCK), Map.of(NODE_IDENTITY, false, CIDR_BLOCK, true), false, POLICY_DENY_RULE, CIDR_BLOCK),
                new IpBlockCase("a deny of the peer's identity wins over an allow of its block", true,
                        Map.of("10.99.0.0/24", CIDR_BLOCK), Map.of(NODE_IDENTITY, true, CIDR_BLOCK, false), false, POLICY_DENY_RULE, NODE_IDENTITY),
                new IpBlockCase("an allow of the peer's identity names the rule before one of its block", true,
                        Map.of("10.99.0.0/24", CIDR_BLOCK), Map.of(NODE_IDENTITY, false, CIDR_BLOCK, false), true, NONE, NODE_IDENTITY));
    }

    /** Real connections from the pod to the node (10.99.0.1); rule numbers are the entries' identities. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("ipBlocks")
    void ipBlocksMatchByAddressBesideTheIpcacheIdentity(IpBlockCase c) throws Exception {
        installEndpoint(0);
        if (!c.peerInIpcache()) {
            datapath.ipcache().delete(Ipv4Prefix.host(NODE_IP));
        }
        c.prefixes().forEach((prefix, id) -> datapath.prefixes().put(Ipv4Prefix.parse(prefix), id));
        int port = nextPort();
        Map<PolicyMapKey, PolicyMapValue> entries = new HashMap<>();
        c.denyByIdentity().forEach((identity, deny) -> entries.put(PolicyMapKey.exactPort(EP_ID, identity, EGRESS, TCP, port),
                deny ? PolicyMapValue.deny(identity) : PolicyMapValue.allow(identity)));
        datapath.policy().update(entries, List.of());
        long start = MonotonicClock.nanos();

        traffic.tcpEchoServer(NODE_NETNS, NODE_IP, port);
        if (c.passes()) {
            assertThat(tcpPasses(POD_NETNS, NODE_IP, port)).as("passes").isTrue();
        } else {
            assertThat(tcpBlocked(POD_NETNS, NODE_IP, port)).as("blocked").isTrue();
        }

        FlowEvent first = events.await("first packet", e -> e.timestampNs() > start && e.destinationPort() == port);
        assertThat(first).returns(c.passes() ? FORWARDED : DROPPED, FlowEvent::verdict).returns(c.reason(), FlowEvent::reason)
                .returns(c.ruleRef(), FlowEvent::ruleRef)
                .returns(c.peerInIpcache() ? NODE_IDENTITY : WORLD_IDENTITY, FlowEvent::destinationIdentity);
    }

    @Test
    void aNewExceptPrefixRevokesAnOpenConnectionOnceTheEpochIsBumped() throws Exception {
        EndpointInfo endpoint = installEndpoint(0);
        datapath.prefixes().put(Ipv4Prefix.parse("10.99.0.0/24"), CIDR_BLOCK);
        int port = nextPort();
        datapath.policy().put(PolicyMapKey.exactPort(EP_ID, CIDR_BLOCK, EGRESS, TCP, port), PolicyMapValue.allow(CIDR_BLOCK));

        traffic.tcpEchoServer(NODE_NETNS, NODE_IP, port);
        try (Socket socket = connect(POD_NETNS, NODE_IP, port)) {
            assertThat(echoes(socket, PASS_TIMEOUT_MS)).as("allowed by its block").isTrue();
            datapath.prefixes().put(Ipv4Prefix.host(NODE_IP), CIDR_EXCEPT);
            assertThat(echoes(socket, PASS_TIMEOUT_MS)).as("except added, epoch unchanged").isTrue();

            long start = MonotonicClock.nanos();
            datapath.endpoints().put(ifindex, endpoint.withPolicyEpoch(endpoint.policyEpoch() + 1));
            assertThat(echoes(socket, BLOCK_TIMEOUT_MS)).as("re-checked with the peer's new CIDR identity").isFalse();
            FlowEvent drop = events.await("drop of the open connection",
                    e -> e.timestampNs() > start && e.destinationPort() == port && e.sourcePort() == socket.getLocalPort());
            assertThat(drop).returns(POLICY_DENIED, FlowEvent::reason);
            socket.setSoLinger(true, 0);
        }
    }

    @Test
    void prefixLookupIsExactWhileResolveFindsTheLongestPrefix() {
        datapath.prefixes().put(Ipv4Prefix.parse("0.0.0.0/0"), CIDR_ALL);
        datapath.prefixes().put(Ipv4Prefix.parse("10.99.0.0/24"), CIDR_BLOCK);

        assertThat(datapath.prefixes().lookup(Ipv4Prefix.parse("0.0.0.0/0"))).contains(CIDR_ALL);
        assertThat(datapath.prefixes().lookup(Ipv4Prefix.parse("10.99.0.0/16"))).isEmpty();
        assertThat(datapath.prefixes().resolve(Ipv4.parse("10.99.0.7"))).contains(CIDR_BLOCK);
        assertThat(datapath.prefixes().resolve(Ipv4.parse("192.0.2.1"))).contains(CIDR_ALL);
        assertThat(datapath.prefixes().entries()).hasSize(2);
        assertThatThrownBy(() -> datapath.prefixes().put(Ipv4Prefix.parse("10.0.0.0/8"), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * SCTP cannot be tried with real sockets on a kernel without the sctp module (as here): the programs run
     * on crafted SCTP frames instead, with the real maps, so policy and conntrack see exactly what they
     * would on the wire.
     */
    @Test
    void sctpPortsAreEnforcedAndRepliesComeBackThroughConntrack() throws Exception {
        installEndpoint(0);
        int port = 7777;
        int sourcePort = 40123;
        byte[] init = Frames.sctp(POD_IP, NODE_IP, sourcePort, port, Frames.SCTP_INIT);
        byte[] initAck = Frames.sctp(NODE_IP, POD_IP, port, sourcePort, Frames.SCTP_INIT_ACK);
        long start = MonotonicClock.nanos();

        assertThat(run(EGRESS, init)).as("no entry").isEqualTo(TC_ACT_SHOT);
        FlowEvent denied = events.await("SCTP drop", e -> e.timestampNs() > start && e.protocol() == SCTP);
        assertThat(denied).returns(POLICY_DENIED, FlowEvent::reason).returns(sourcePort, FlowEvent::sourcePort)
                .returns(port, FlowEvent::destinationPort).returns(NODE_IDENTITY, FlowEvent::destinationIdentity);

        datapath.policy().put(PolicyMapKey.exactPort(EP_ID, NODE_IDENTITY, EGRESS, TCP, port), PolicyMapValue.allow(1));
        datapath.policy().put(PolicyMapKey.exactPort(EP_ID, NODE_IDENTITY, EGRESS, UDP, port), PolicyMapValue.allow(1));
        assertThat(run(EGRESS, init)).as("TCP and UDP entries for the port do not allow SCTP").isEqualTo(TC_ACT_SHOT);
        assertThat(run(INGRESS, initAck)).as("an unsolicited INIT ACK").isEqualTo(TC_ACT_SHOT);

        datapath.policy().put(PolicyMapKey.portPrefix(EP_ID, NODE_IDENTITY, EGRESS, SCTP, port & 0xff00, 8), PolicyMapValue.allow(132));
        assertThat(run(EGRESS, init)).as("an SCTP entry for a range containing the port").isEqualTo(TC_ACT_OK);
        assertThat(run(INGRESS, initAck)).as("the reply, through conntrack").isEqualTo(TC_ACT_OK);
        assertThat(run(EGRESS, Frames.sctp(POD_IP, NODE_IP, sourcePort, port + 256, Frames.SCTP_INIT)))
                .as("a port outside the range").isEqualTo(TC_ACT_SHOT);

        assertThat(datapath.conntrack().entries()).anySatisfy(ct -> {
            assertThat(ct.key()).isEqualTo(new ConntrackKey(EP_ID, NODE_IP, port, sourcePort, SCTP, EGRESS));
            assertThat(ct).returns(NODE_IDENTITY, ConntrackEntry::peerIdentity).returns(132, ConntrackEntry::ruleRef);
            assertThat(ct.packets()).isEqualTo(2);
        });
        assertThat(run(EGRESS, Frames.cutWithinL4(init, 14 + 20 + 11))).as("SCTP common header cut short").isEqualTo(TC_ACT_SHOT);
        FlowEvent malformed = events.await("malformed SCTP", e -> e.timestampNs() > start && e.reason() == MALFORMED_PACKET);
        assertThat(malformed.protocol()).isEqualTo(SCTP);
    }

    private static int run(Direction direction, byte[] frame) {
        return NetworkNamespace.call(NODE_NETNS, () -> datapath.runProgram(direction, frame, ifindex));
    }

    @Test
    void bumpingThePolicyEpochRevokesAnOpenConnection() throws Exception {
        EndpointInfo endpoint = installEndpoint(0);
        int port = nextPort();
        PolicyMapKey allow = allowPodToNode(TCP, port, 9);

        traffic.tcpEchoServer(NODE_NETNS, NODE_IP, port);
        try (Socket socket = connect(POD_NETNS, NODE_IP, port)) {
            assertThat(echoes(socket, PASS_TIMEOUT_MS)).as("allowed").isTrue();
            datapath.policy().delete(allow);
            assertThat(echoes(socket, PASS_TIMEOUT_MS)).as("entry gone, epoch unchanged: conntrack still lets it through").isTrue();

            long start = MonotonicClock.nanos();
            datapath.endpoints().put(ifindex, endpoint.withPolicyEpoch(endpoint.policyEpoch() + 1));
            assertThat(echoes(socket, BLOCK_TIMEOUT_MS)).as("after the epoch bump").isFalse();

            FlowEvent drop = events.await("drop of the open connection's data",
                    e -> e.timestampNs() > start && e.destinationPort() == port && e.sourcePort() == socket.getLocalPort());
            assertThat(drop).returns(DROPPED, FlowEvent::verdict).returns(POLICY_DENIED, FlowEvent::reason);
            assertThat(drop.tcpFlags() & TCP_SYN).as("a packet of the established connection, not a SYN").isZero();
            assertThat(datapath.conntrack().entries()).noneMatch(ct -> ct.key().localPort() == socket.getLocalPort());
            socket.setSoLinger(true, 0); // reset on close: no retransmissions leaking into later tests' counters
        }
    }

    @Test
    void auditModeLetsPolicyDropsThroughAndReportsThem() throws Exception {
        installEndpoint(EndpointInfo.FLAG_AUDIT_EGRESS);
        int port = nextPort();
        long start = MonotonicClock.nanos();
        long before = packets(AUDIT, EGRESS, POLICY_DENIED);

        traffic.tcpEchoServer(NODE_NETNS, NODE_IP, port);
        traffic.tcpEchoServer(POD_NETNS, POD_IP, port);
        assertThat(tcpPasses(POD_NETNS, NODE_IP, port)).as("egress, audited").isTrue();
        assertThat(tcpBlocked(NODE_NETNS, POD_IP, port)).as("ingress, enforced").isTrue();

        assertThat(packets(AUDIT, EGRESS, POLICY_DENIED)).isGreaterThan(before);
        FlowEvent audited = events.await("audit", e -> e.timestampNs() > start && e.direction() == EGRESS && e.destinationPort() == port);
        assertThat(audited).returns(AUDIT, FlowEvent::verdict).returns(POLICY_DENIED, FlowEvent::reason);
    }

    @Test
    void aPodSendingFromAnAddressNotItsOwnIsDropped() throws Exception {
        installEndpoint(0);
        datapath.policy().put(PolicyMapKey.anyProtocol(EP_ID, 0, EGRESS), PolicyMapValue.allow(1));
        int port = nextPort();
        long start = MonotonicClock.nanos();

        traffic.tcpEchoServer(NODE_NETNS, NODE_IP, port);
        assertThat(tcpBlocked(POD_NETNS, SPOOFED_IP, NODE_IP, port)).as("from " + SPOOFED_IP.getHostAddress()).isTrue();
        assertThat(tcpPasses(POD_NETNS, POD_IP, NODE_IP, port)).as("from the endpoint's address").isTrue();

        FlowEvent drop = events.await("spoofed", e -> e.timestampNs() > start && e.reason() == INVALID_SOURCE_IP);
        assertThat(drop).returns(SPOOFED_IP, FlowEvent::source).returns(DROPPED, FlowEvent::verdict);
    }

    @Test
    void aRestartedProcessReusesThePinnedMapsAndReplacesTheProgramsInPlace() throws Exception {
        EndpointInfo endpoint = installEndpoint(0);
        int port = nextPort();
        PolicyMapKey allow = allowPodToNode(TCP, port, 3);
        int oldProgram = datapath.programId(EGRESS);

        traffic.tcpEchoServer(NODE_NETNS, NODE_IP, port);
        try (Socket established = connect(POD_NETNS, NODE_IP, port)) {
            assertThat(echoes(established, PASS_TIMEOUT_MS)).isTrue();
            // Other sizes than the pinned maps have: they are kept, not recreated.
            DatapathConfig restartConfig = datapath.config().withRingBufferBytes(512 * 1024).withPolicyMapMaxEntries(4096);
            try (Datapath restarted = Datapath.open(restartConfig)) {
                assertThat(restarted.endpoints().lookup(ifindex)).contains(endpoint);
                assertThat(restarted.policy().entries()).containsEntry(allow, PolicyMapValue.allow(3));
                assertThat(restarted.conntrack().entries()).anyMatch(ct -> ct.key().localPort() == established.getLocalPort());

                assertThat(restarted.attach(NODE_NETNS, HOST_IF)).isEqualTo(ifindex);
                TcAttachment attached = restarted.attachment(NODE_NETNS, HOST_IF);
                assertThat(attached.ingressProgramId()).isEqualTo(restarted.programId(EGRESS)).isNotEqualTo(oldProgram);
                assertThat(attached.egressProgramId()).isEqualTo(restarted.programId(INGRESS));

                assertThat(echoes(established, PASS_TIMEOUT_MS)).as("the established connection, on the new programs").isTrue();
                assertThat(tcpPasses(POD_NETNS, NODE_IP, port)).as("a new connection").isTrue();
            } finally {
                datapath.attach(NODE_NETNS, HOST_IF); // the fixture's programs again
            }
            assertThat(echoes(established, PASS_TIMEOUT_MS)).as("after the restarted process closed").isTrue();
        }
    }

    @Test
    void detachRemovesTheFiltersAndToleratesWhatIsAlreadyGone() throws Exception {
        int port = nextPort(); // no endpoint: attached, everything is dropped
        traffic.tcpEchoServer(NODE_NETNS, NODE_IP, port);
        try {
            datapath.detach(NODE_NETNS, HOST_IF);
            assertThat(datapath.attachment(NODE_NETNS, HOST_IF)).isEqualTo(new TcAttachment(ifindex, 0, 0));
            assertThat(tcpPasses(POD_NETNS, NODE_IP, port)).as("unfiltered").isTrue();
            datapath.detach(NODE_NETNS, HOST_IF); // again
        } finally {
            datapath.attach(NODE_NETNS, HOST_IF);
        }
        assertThat(tcpBlocked(POD_NETNS, NODE_IP, port)).as("attached again").isTrue();
        datapath.detach(NODE_NETNS, "septest-gone0");
        datapath.detach("septest-dp-gone", HOST_IF);
    }

    static Stream<Arguments> craftedFrames() {
        byte[] syn = Frames.tcpSyn(POD_IP, NODE_IP, 40000, 80);
        return Stream.of(
                Arguments.of("IPv6", Frames.ethernet(Frames.ETH_P_IPV6, 40), TC_ACT_SHOT, UNSUPPORTED_L3),
                Arguments.of("first fragment", Frames.tcpSyn(POD_IP, NODE_IP, 40000, 80, 0x2000, 40), TC_ACT_SHOT, FRAGMENT_UNSUPPORTED),
                Arguments.of("later fragment", Frames.tcpSyn(POD_IP, NODE_IP, 40000, 80, 0x0003, 40), TC_ACT_SHOT, FRAGMENT_UNSUPPORTED),
                // (A frame cut inside the IPv4 header cannot be tested this way: the kernel refuses to run it.)
                Arguments.of("frame ends after the IPv4 header", Frames.truncated(syn, 14 + 20), TC_ACT_SHOT, MALFORMED_PACKET),
                Arguments.of("IHL below 5", Frames.withVersionIhl(syn, 0x44), TC_ACT_SHOT, MALFORMED_PACKET),
                Arguments.of("version 6 in an IPv4 frame", Frames.withVersionIhl(syn, 0x65), TC_ACT_SHOT, MALFORMED_PACKET),
                Arguments.of("total length beyond the frame", Frames.tcpSyn(POD_IP, NODE_IP, 40000, 80, 0, 100), TC_ACT_SHOT, MALFORMED_PACKET),
                Arguments.of("TCP header cut short", Frames.tcpSyn(POD_IP, NODE_IP, 40000, 80, 0, 20 + 8), TC_ACT_SHOT, MALFORMED_PACKET),
                Arguments.of("well-formed SYN, no policy", syn, TC_ACT_SHOT, POLICY_DENIED),
                Arguments.of("ARP", Frames.ethernet(Frames.ETH_P_ARP, 28), TC_ACT_OK, NONE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("craftedFrames")
    void craftedFramesGetTheirVerdict(String frame, byte[] bytes, int action, DropReason reason) throws Exception {
        installEndpoint(0);
        Verdict verdict = action == TC_ACT_OK ? FORWARDED : DROPPED;
        long before = packets(verdict, EGRESS, reason);
        long start = MonotonicClock.nanos();

        int result = NetworkNamespace.call(NODE_NETNS, () -> datapath.runProgram(EGRESS, bytes, ifindex));

        assertThat(result).isEqualTo(action);
        assertThat(packets(verdict, EGRESS, reason)).isGreaterThan(before);
        if (verdict == DROPPED) {
            FlowEvent drop = events.await(reason.name(), e -> e.timestampNs() > start && e.packetLength() == bytes.length);
            assertThat(drop).returns(reason, FlowEvent::reason).returns(EP_ID, FlowEvent::endpointId);
        }
    }

    @Test
    void ipcacheLookupIsExactWhileResolveFindsTheLongestPrefix() {
        IpcacheValue wide = new IpcacheValue(300, null, 0);
        IpcacheValue narrow = new IpcacheValue(400, NODE_IP, 0);
        datapath.ipcache().put(Ipv4Prefix.parse("10.99.0.0/16"), wide);
        datapath.ipcache().put(Ipv4Prefix.parse("10.99.0.0/24"), narrow);

        assertThat(datapath.ipcache().lookup(Ipv4Prefix.parse("10.99.0.0/16"))).contains(wide);
        assertThat(datapath.ipcache().lookup(Ipv4Prefix.parse("10.99.0.0/24"))).contains(narrow);
        assertThat(datapath.ipcache().lookup(Ipv4Prefix.parse("10.99.0.0/20"))).isEmpty();
        assertThat(datapath.ipcache().lookup(Ipv4Prefix.parse("10.99.0.5/32"))).isEmpty();
        assertThat(datapath.ipcache().resolve(Ipv4.parse("10.99.0.5"))).contains(narrow);
        assertThat(datapath.ipcache().resolve(Ipv4.parse("10.99.7.5"))).contains(wide);
        assertThat(datapath.ipcache().resolve(Ipv4.parse("10.98.0.1"))).isEmpty();
        assertThat(datapath.ipcache().entries()).hasSize(2);
    }

    @Test
    void policyBatchUpdatesWriteAndDeleteManyEntries() {
        Map<PolicyMapKey, PolicyMapValue> puts = new HashMap<>();
        for (int identity = 1; identity <= 3000; identity++) {
            puts.put(PolicyMapKey.exactPort(EP_ID, identity, INGRESS, TCP, 443), PolicyMapValue.allow(identity));
        }
        PolicyMapKey otherEndpoint = PolicyMapKey.anyProtocol(EP_ID + 1, 0, EGRESS);
        puts.put(otherEndpoint, PolicyMapValue.deny(1));

        datapath.policy().update(puts, List.of());
        assertThat(datapath.policy().entries()).isEqualTo(puts);
        assertThat(datapath.policy().entries(EP_ID)).hasSize(3000);

        List<PolicyMapKey> deletes = puts.keySet().stream().filter(k -> k.endpointId() == EP_ID).toList();
        PolicyMapKey absent = PolicyMapKey.exactPort(EP_ID, 99999, INGRESS, TCP, 443);
        datapath.policy().update(Map.of(), Stream.concat(deletes.stream(), Stream.of(absent)).toList());
        assertThat(datapath.policy().entries()).containsOnlyKeys(otherEndpoint);
    }

    @Test
    void conntrackEntriesOfAnEndpointCanBeRemoved() throws Exception {
        installEndpoint(0);
        datapath.policy().put(PolicyMapKey.anyProtocol(EP_ID, 0, EGRESS), PolicyMapValue.allow(1));
        int port = nextPort();
        traffic.tcpEchoServer(NODE_NETNS, NODE_IP, port);
        assertThat(tcpPasses(POD_NETNS, NODE_IP, port)).isTrue();
        assertThat(tcpPasses(POD_NETNS, NODE_IP, port)).isTrue();
        assertThat(datapath.conntrack().count()).isEqualTo(2);

        assertThat(datapath.conntrack().deleteEndpoint(EP_ID + 1)).isZero();
        assertThat(datapath.conntrack().deleteEndpoint(EP_ID)).isEqualTo(2);
        assertThat(datapath.conntrack().count()).isZero();
    }

    @Test
    void nativeFailuresNameTheOperationTheObjectAndTheErrno() {
        assertThatThrownBy(() -> datapath.attach(NODE_NETNS, "septest-nope0"))
                .isInstanceOf(BpfException.class)
                .hasMessage("find interface (septest-nope0): ENODEV (No such device)");
        assertThatThrownBy(() -> datapath.attach("septest-dp-nope", HOST_IF))
                .isInstanceOf(BpfException.class)
                .hasMessage("enter network namespace (/var/run/netns/septest-dp-nope): ENOENT (No such file or directory)");

        EndpointInfo info = new EndpointInfo(EP_ID, POD_IDENTITY, POD_IP, 1, 0);
        assertThatThrownBy(() -> {
            for (int i = 1; i <= 4097; i++) {
                datapath.endpoints().put(100_000 + i, info); // the map holds 4096
            }
        }).isInstanceOf(BpfException.class)
                .hasMessage("update map endpoints (pin " + pod.pinDirectory().resolve("endpoints") + "): E2BIG (Argument list too long)");
    }
}
