package io.septum.bench.datapath;

import io.septum.bench.ExternalCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The lab's topology in miniature, made fresh for every measured run: a client pod and a server pod, each a
 * network namespace joined by a veth pair to one node namespace that routes between them, exactly as the lab
 * (a routed CNI) wires pods: /32 addresses, a default route via the link-local gateway 169.254.1.1, proxy ARP
 * and a /32 route per pod on the node. So every packet crosses the client's host-side veth (tc ingress there),
 * the node's IP forwarding (FORWARD chain there) and the server's host-side veth (tc egress there).
 *
 * <p>Made fresh per run so that nothing carries over between enforcement modes: no conntrack entries, no
 * netfilter hooks left registered by an earlier iptables run, no stale neighbour state. Every name starts with
 * {@code sepbench-}; only those are ever deleted.
 */
public final class BenchTopology implements AutoCloseable {

    public static final String NODE_NETNS = "sepbench-node";
    static final String GATEWAY = "169.254.1.1";
    private static final Path NETNS_DIRECTORY = Path.of("/var/run/netns");

    /** The two pods: their namespace, address and the node-side end of their veth. */
    public enum Pod {
        CLIENT("a", "10.250.0.2"),
        SERVER("b", "10.250.0.3");

        private final String letter;
        private final String address;

        Pod(String letter, String address) {
            this.letter = letter;
            this.address = address;
        }

        public String netns() {
            return "sepbench-pod-" + letter;
        }

        public String address() {
            return address;
        }

        /** The node-side veth, where Septum's programs sit. */
        public String hostInterface() {
            return "sepbench-" + letter;
        }
    }

    private BenchTopology() {
    }

    public static BenchTopology create() {
        removeNamespaces();
        BenchTopology topology = new BenchTopology();
        try {
            addNamespace(NODE_NETNS);
            ExternalCommand.run("ip", "-n", NODE_NETNS, "addr", "add", GATEWAY + "/32", "dev", "lo");
            sysctl(NODE_NETNS, "net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0");
            for (Pod pod : Pod.values()) {
                addPod(pod);
            }
            return topology;
        } catch (RuntimeException e) {
            topology.close();
            throw e;
        }
    }

    private static void addNamespace(String netns) {
        ExternalCommand.run("ip", "netns", "add", netns);
        ExternalCommand.run("ip", "-n", netns, "link", "set", "lo", "up");
        sysctl(netns, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
    }

    private static void addPod(Pod pod) {
        String ns = pod.netns();
        String hostIf = pod.hostInterface();
        addNamespace(ns);
        // Wider than the default 32768-60999: the connection-rate workload reuses source ports quickly.
        sysctl(ns, "net.ipv4.ip_local_port_range=1024 65000");
        ExternalCommand.run("ip", "-n", NODE_NETNS, "link", "add", hostIf, "type", "veth", "peer", "name", "eth0", "netns", ns);
        ExternalCommand.run("ip", "-n", ns, "addr", "add", pod.address() + "/32", "dev", "eth0");
        ExternalCommand.run("ip", "-n", ns, "link", "set", "eth0", "up");
        ExternalCommand.run("ip", "-n", ns, "route", "add", GATEWAY, "dev", "eth0", "scope", "link");
        ExternalCommand.run("ip", "-n", ns, "route", "add", "default", "via", GATEWAY, "dev", "eth0");
        sysctl(NODE_NETNS, "net.ipv4.conf." + hostIf + ".proxy_arp=1", "net.ipv4.conf." + hostIf + ".rp_filter=0");
        ExternalCommand.run("ip", "-n", NODE_NETNS, "link", "set", hostIf, "up");
        ExternalCommand.run("ip", "-n", NODE_NETNS, "route", "add", pod.address() + "/32", "dev", hostIf);
    }

    private static void sysctl(String netns, String... settings) {
        String[] command = new String[settings.length + 6];
        System.arraycopy(new String[] {"ip", "netns", "exec", netns, "sysctl", "-qw"}, 0, command, 0, 6);
        System.arraycopy(settings, 0, command, 6, settings.length);
        ExternalCommand.run(command);
    }

    /** Deleting the namespaces deletes the veths, the tc filters on them, their iptables rules, ipsets and conntrack. */
    @Override
    public void close() {
        removeNamespaces();
    }

    /** Deletes whatever topology exists (a fresh one, or an interrupted run's). */
    static void removeNamespaces() {
        for (String netns : List.of(Pod.CLIENT.netns(), Pod.SERVER.netns(), NODE_NETNS)) {
            if (Files.exists(NETNS_DIRECTORY.resolve(netns))) {
                ExternalCommand.run("ip", "netns", "delete", netns);
            }
        }
    }
}
