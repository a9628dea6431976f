package io.septum.enforcer.datapath;

import static io.septum.enforcer.datapath.Direction.EGRESS;
import static io.septum.enforcer.datapath.Direction.INGRESS;
import static io.septum.enforcer.datapath.DropReason.NONE;
import static io.septum.enforcer.datapath.DropReason.POLICY_DENIED;
import static io.septum.enforcer.datapath.PodNetwork.NODE_IP;
import static io.septum.enforcer.datapath.PodNetwork.NODE_NETNS;
import static io.septum.enforcer.datapath.PodNetwork.POD_IP;
import static io.septum.enforcer.datapath.PodNetwork.POD_NETNS;
import static io.septum.enforcer.datapath.Traffic.PASS_TIMEOUT_MS;
import static io.septum.enforcer.datapath.Verdict.DROPPED;
import static io.septum.enforcer.datapath.Verdict.FORWARDED;
import static org.assertj.core.api.Assertions.assertThat;

import io.septum.enforcer.datapath.libbpf.MonotonicClock;
import io.septum.enforcer.datapath.netns.NetworkNamespace;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The node's flow event mode on a real kernel with real UDP traffic between a pod and its node: off emits nothing
 * (the metrics still count every packet and drop), connections one event per new connection and per drop,
 * packets one per packet. Counts are exact: after the traffic under test, one denied datagram (a drop, which every
 * mode but off reports) is sent as a marker; the ring buffer is read in order, so once the marker's event has
 * arrived, every event of the traffic before it has too.
 *
 * <p>Needs root. Network namespaces septest-dp-pod and septest-dp-node, pins in /sys/fs/bpf/septum/septest-dp-modes.
 */
@Tag("privileged")
class FlowEventModesPrivilegedTest {

    private static final int EP_ID = 9;
    private static final int POD_IDENTITY = 5002;
    private static final int NODE_IDENTITY = 1000;
    private static final int UDP = 17;
    private static final int DATAGRAMS = 7;
    private static final AtomicInteger PORTS = new AtomicInteger(32000);

    private static final EventCollector events = new EventCollector();
    private static AttachedPod pod;
    private static Datapath datapath;
    private static int ifindex;

    private final Traffic traffic = new Traffic();
    private int port;
    private long start;

    @BeforeAll
    static void setUp() {
        pod = AttachedPod.open("septest-dp-modes", events);
        datapath = pod.datapath();
        ifindex = pod.ifindex();
        datapath.endpoints().put(ifindex, new EndpointInfo(EP_ID, POD_IDENTITY, POD_IP, 1, 0));
        datapath.ipcache().put(Ipv4Prefix.host(NODE_IP), new IpcacheValue(NODE_IDENTITY, null, 0));
    }

    @AfterAll
    static void tearDown() {
        if (pod != null) {
            pod.close();
        }
    }

    /** A fresh port per test, allowed from the pod to the node's UDP echo server; the mode back to the default. */
    @BeforeEach
    void echoServer() throws IOException {
        datapath.setEventMode(EventMode.CONNECTIONS);
        port = PORTS.getAndAdd(2);
        datapath.policy().put(PolicyMapKey.exactPort(EP_ID, NODE_IDENTITY, EGRESS, UDP, port), PolicyMapValue.allow(port));
        traffic.udpEchoServer(NODE_NETNS, NODE_IP, port);
        start = MonotonicClock.nanos();
    }

    @AfterEach
    void stopServer() throws IOException {
        traffic.close();
        datapath.setEventMode(EventMode.CONNECTIONS);
    }

    @Test
    void aFreshMapMeansConnectionsAndTheModeReadsBackAsWritten() {
        for (EventMode mode : EventMode.values()) {
            datapath.setEventMode(mode);
            assertThat(datapath.eventMode()).isEqualTo(mode);
        }
    }

    @Test
    void offEmitsNoEventButCountsEveryPacketAndDrop() throws Exception {
        long forwardedBefore = packets(FORWARDED, EGRESS, NONE) + packets(FORWARDED, INGRESS, NONE);
        long droppedBefore = packets(DROPPED, EGRESS, POLICY_DENIED);
        datapath.setEventMode(EventMode.OFF);

        for (int i = 0; i < DATAGRAMS; i++) {
            assertThat(echoOnNewSocket()).as("datagram %d echoed", i).isTrue();
        }
        echoesOnOneSocket(DATAGRAMS);
        sendDenied(DATAGRAMS);

        assertThat(packets(FORWARDED, EGRESS, NONE) + packets(FORWARDED, INGRESS, NONE) - forwardedBefore)
                .as("forwarded requests and replies").isEqualTo(4L * DATAGRAMS);
        assertThat(packets(DROPPED, EGRESS, POLICY_DENIED) - droppedBefore).as("denied datagrams").isEqualTo(DATAGRAMS);
        datapath.setEventMode(EventMode.CONNECTIONS);
        assertThat(eventsUpToTheMarker(e -> true)).as("events of the traffic while off").isEmpty();
    }

    @Test
    void connectionsEmitOneEventPerNewConnectionAndPerDrop() throws Exception {
        for (int i = 0; i < DATAGRAMS; i++) {
            assertThat(echoOnNewSocket()).as("datagram %d echoed", i).isTrue();
        }
        echoesOnOneSocket(DATAGRAMS);
        sendDenied(DATAGRAMS);

        List<FlowEvent> flows = eventsUpToTheMarker(e -> true);
        assertThat(flows.stream().filter(e -> e.destinationPort() == port && e.verdict() == FORWARDED))
                .as("one per socket: %d new sockets and one that sent %d datagrams", DATAGRAMS, DATAGRAMS)
                .hasSize(DATAGRAMS + 1)
                .allMatch(e -> e.direction() == EGRESS && !e.reply() && e.ruleRef() == port);
        assertThat(flows.stream().filter(e -> e.sourcePort() == port)).as("replies of known connections").isEmpty();
        assertThat(flows.stream().filter(e -> e.destinationPort() == port + 1))
                .as("denied datagrams, one event each").hasSize(DATAGRAMS)
                .allMatch(e -> e.verdict() == DROPPED && e.reason() == POLICY_DENIED);
    }

    @Test
    void packetsEmitOneEventPerPacket() throws Exception {
        datapath.setEventMode(EventMode.PACKETS);

        echoesOnOneSocket(DATAGRAMS);
        sendDenied(DATAGRAMS);

        List<FlowEvent> flows = eventsUpToTheMarker(e -> true);
        assertThat(flows.stream().filter(e -> e.destinationPort() == port))
                .as("every request: the first opens the connection, the others are traced as forwarded").hasSize(DATAGRAMS)
                .allMatch(e -> e.verdict() == FORWARDED && e.direction() == EGRESS && e.ruleRef() == port
                        && e.destinationIdentity() == NODE_IDENTITY);
        assertThat(flows.stream().filter(e -> e.sourcePort() == port))
                .as("every reply, with the peer and the rule of its connection").hasSize(DATAGRAMS)
                .allMatch(e -> e.verdict() == FORWARDED && e.direction() == INGRESS && e.reply() && e.ruleRef() == port
                        && e.sourceIdentity() == NODE_IDENTITY && e.destinationIdentity() == POD_IDENTITY);
        assertThat(flows.stream().filter(e -> e.destinationPort() == port + 1))
                .as("every denied datagram").hasSize(DATAGRAMS)
                .allMatch(e -> e.verdict() == DROPPED && e.reason() == POLICY_DENIED);
    }

    /**
     * Sends one denied datagram (to the port after the test's) as a marker in connections mode, waits for its event,
     * and returns the test's events before it that match {@code filter}.
     */
    private List<FlowEvent> eventsUpToTheMarker(Predicate<FlowEvent> filter) throws Exception {
        assertThat(datapath.eventMode()).isNotEqualTo(EventMode.OFF);
        int marker = PORTS.getAndAdd(2);
        send(POD_NETNS, marker, 1);
        FlowEvent end = events.await("the marker's drop", e -> e.timestampNs() > start && e.destinationPort() == marker);
        return events.matching(e -> e.timestampNs() > start && e.timestampNs() < end.timestampNs() && filter.test(e));
    }

    private static long packets(Verdict verdict, Direction direction, DropReason reason) {
        return datapath.metrics().read().stream()
                .filter(s -> s.verdict() == verdict && s.direction() == direction && s.reason() == reason)
                .mapToLong(MetricsSample::packets).sum();
    }

    /** One datagram from a new socket (a new source port: a new connection), echoed. */
    private boolean echoOnNewSocket() throws IOException {
        return Traffic.udpEchoes(POD_NETNS, NODE_IP, port, PASS_TIMEOUT_MS);
    }

    /** {@code count} datagrams from one socket (one connection), each echoed before the next is sent. */
    private void echoesOnOneSocket(int count) throws IOException {
        try (DatagramSocket socket = NetworkNamespace.call(POD_NETNS, () -> new DatagramSocket(new InetSocketAddress(0)))) {
            socket.setSoTimeout(PASS_TIMEOUT_MS);
            for (int i = 0; i < count; i++) {
                byte[] message = ("septest " + i).getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(message, message.length, new InetSocketAddress(NODE_IP, port)));
                DatagramPacket reply = new DatagramPacket(new byte[message.length], message.length);
                socket.receive(reply);
                assertThat(Arrays.equals(message, reply.getData())).as("echo %d", i).isTrue();
            }
        }
    }

    /** {@code count} datagrams to the port after the test's, which no policy entry allows. */
    private void sendDenied(int count) throws IOException {
        send(POD_NETNS, port + 1, count);
    }

    private static void send(String netns, int toPort, int count) throws IOException {
        try (DatagramSocket socket = NetworkNamespace.call(netns, () -> new DatagramSocket(new InetSocketAddress(0)))) {
            byte[] message = "septest denied".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < count; i++) {
                socket.send(new DatagramPacket(message, message.length, new InetSocketAddress(NODE_IP, toPort)));
            }
        }
    }
}
