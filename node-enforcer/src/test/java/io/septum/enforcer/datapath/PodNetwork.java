package io.septum.enforcer.datapath;

import io.septum.enforcer.datapath.netns.NetworkNamespace;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A pod and its node in miniature, made with iproute2 for privileged tests: network namespace "pod" with eth0,
 * network namespace "node" with the host-side veth, 10.99.0.0/24 between them, IPv6 off (no neighbour
 * discovery noise) and static ARP entries (a test that drops packets cannot leave address resolution pending
 * for the next one). Only ever touches namespaces whose names it owns. Shared by the privileged tests of the
 * datapath and of the agent.
 */
public final class PodNetwork implements AutoCloseable {

    public static final String POD_NETNS = "septest-dp-pod";
    public static final String NODE_NETNS = "septest-dp-node";
    public static final String POD_IF = "eth0";
    public static final String HOST_IF = "septest-lxc0";
    public static final Inet4Address NODE_IP = Ipv4.parse("10.99.0.1");
    public static final Inet4Address POD_IP = Ipv4.parse("10.99.0.2");
    private static final String HOST_MAC = "02:00:0a:63:00:01";
    private static final String POD_MAC = "02:00:0a:63:00:02";
    /** A second address inside the pod that is not the endpoint's. */
    public static final Inet4Address SPOOFED_IP = Ipv4.parse("10.99.0.3");

    private PodNetwork() {
    }

    public static PodNetwork create() {
        removeNamespaces(); // leftovers of an interrupted run
        PodNetwork network = new PodNetwork();
        try {
            for (String netns : List.of(NODE_NETNS, POD_NETNS)) {
                run("ip", "netns", "add", netns);
                run("ip", "netns", "exec", netns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                        "net.ipv6.conf.default.disable_ipv6=1");
                run("ip", "-n", netns, "link", "set", "lo", "up");
            }
            run("ip", "link", "add", HOST_IF, "address", HOST_MAC, "netns", NODE_NETNS, "type", "veth",
                    "peer", "name", POD_IF, "address", POD_MAC, "netns", POD_NETNS);
            run("ip", "-n", NODE_NETNS, "addr", "add", NODE_IP.getHostAddress() + "/24", "dev", HOST_IF);
            run("ip", "-n", POD_NETNS, "addr", "add", POD_IP.getHostAddress() + "/24", "dev", POD_IF);
            run("ip", "-n", POD_NETNS, "addr", "add", SPOOFED_IP.getHostAddress() + "/24", "dev", POD_IF);
            run("ip", "-n", NODE_NETNS, "link", "set", HOST_IF, "up");
            run("ip", "-n", POD_NETNS, "link", "set", POD_IF, "up");
            run("ip", "-n", NODE_NETNS, "neigh", "replace", POD_IP.getHostAddress(), "lladdr", POD_MAC, "dev", HOST_IF, "nud", "permanent");
            run("ip", "-n", POD_NETNS, "neigh", "replace", NODE_IP.getHostAddress(), "lladdr", HOST_MAC, "dev", POD_IF, "nud", "permanent");
            return network;
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
    }

    /** Deleting the namespaces deletes the veth pair and the tc filters on it. */
    @Override
    public void close() {
        removeNamespaces();
    }

    private static void removeNamespaces() {
        for (String netns : List.of(POD_NETNS, NODE_NETNS)) {
            if (Files.exists(NetworkNamespace.path(netns))) {
                run("ip", "netns", "del", netns);
            }
        }
    }

    public static void run(String... command) {
        try {
            Path output = Files.createTempFile("septest-dp", ".out");
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
                int exit = process.waitFor();
                if (exit != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " exited with " + exit + ": "
                            + Files.readString(output, StandardCharsets.UTF_8).strip());
                }
            } finally {
                Files.delete(output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

}
