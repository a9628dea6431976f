package io.septum.cli.lab;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The lab's network plumbing, done the way a routed CNI plugin does it on a real node:
 * <ul>
 *   <li>each node is a network namespace that forwards between its pods (and, with several nodes, to the
 *       other nodes over an underlay bridge, routing each node's pod CIDR to that node's underlay address);</li>
 *   <li>each pod is a network namespace joined to its node by a veth pair: {@code eth0} in the pod with a
 *       /32 address and a default route via the link-local gateway 169.254.1.1, and {@code lxc<hash>} on
 *       the node with a /32 route to the pod and proxy ARP, so all pod traffic crosses the node-side veth,
 *       where the enforcer's program sits;</li>
 *   <li>with externals, the underlay namespace is also the lab's gateway (the internet's router): it has
 *       {@link #GATEWAY_ADDRESS} on the bridge, every node's default route points at it, it routes each pod
 *       CIDR to its node, and each external is a namespace wired to it as a pod is to its node. Traffic from a
 *       pod to an external leaves through its node and the gateway, unmasqueraded (a routed cluster), so the
 *       external sees pod addresses and policy sees the external's address, which no ipcache entry covers: world.</li>
 * </ul>
 * Every name starts with the lab's name, so the lab never touches a namespace or link it did not make.
 */
final class LabNetwork {

    static final String GATEWAY = "169.254.1.1";
    /** The lab gateway's address on the underlay. */
    static final String GATEWAY_ADDRESS = "10.245.0.254";

    private final String lab;

    LabNetwork(String lab) {
        this.lab = lab;
    }

    String nodeNetns(int index) {
        return lab + "-node-" + index;
    }

    String podNetns(String namespace, String pod) {
        return lab + "-pod-" + namespace + "-" + pod;
    }

    String underlayNetns() {
        return lab + "-underlay";
    }

    String externalNetns(String name) {
        return lab + "-ext-" + name;
    }

    /** True for the namespaces this lab creates (and only those). */
    boolean owns(String netns) {
        return netns.equals(underlayNetns()) || netns.startsWith(lab + "-node-") || netns.startsWith(lab + "-pod-")
                || netns.startsWith(lab + "-ext-");
    }

    static String podCidr(int node) {
        return "10.244." + node + ".0/24";
    }

    static String podAddress(int node, int ordinal) {
        return "10.244." + node + "." + (ordinal + 2);
    }

    static String underlayAddress(int node) {
        return "10.245.0." + (node + 1);
    }

    /** The node-side veth name: stable per pod, at most 15 characters as Linux requires. */
    static String hostInterface(String namespace, String pod) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((namespace + "/" + pod).getBytes(StandardCharsets.UTF_8));
            return "lxc" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
        }
    }

    void createNode(int index) {
        String ns = nodeNetns(index);
        IpCommand.run("ip", "netns", "add", ns);
        IpCommand.run("ip", "-n", ns, "link", "set", "lo", "up");
        // The pods' gateway is an address of the node itself, so the node answers ARP for it on every veth.
        IpCommand.run("ip", "-n", ns, "addr", "add", GATEWAY + "/32", "dev", "lo");
        IpCommand.sysctl(ns, "net.ipv4.ip_forward", "1");
        IpCommand.sysctl(ns, "net.ipv4.conf.all.rp_filter", "0");
        IpCommand.sysctl(ns, "net.ipv4.conf.default.rp_filter", "0");
        IpCommand.sysctl(ns, "net.ipv6.conf.all.disable_ipv6", "1");
        IpCommand.sysctl(ns, "net.ipv6.conf.default.disable_ipv6", "1");
    }

    /**
     * Joins all nodes on one bridge and routes each node's pod CIDR to it. Needed with two or more nodes, or
     * with a gateway ({@code gateway}: the underlay namespace routes between the nodes and the externals).
     */
    void createUnderlay(int nodes, boolean gateway) {
        String underlay = underlayNetns();
        IpCommand.run("ip", "netns", "add", underlay);
        IpCommand.run("ip", "-n", underlay, "link", "set", "lo", "up");
        IpCommand.run("ip", "-n", underlay, "link", "add", "br0", "type", "bridge");
        IpCommand.run("ip", "-n", underlay, "link", "set", "br0", "up");
        IpCommand.sysctl(underlay, "net.ipv6.conf.all.disable_ipv6", "1");
        for (int i = 0; i < nodes; i++) {
            String node = nodeNetns(i);
            String port = "n" + i;
            IpCommand.run("ip", "-n", node, "link", "add", "eth0", "type", "veth", "peer", "name", port, "netns", underlay);
            IpCommand.run("ip", "-n", underlay, "link", "set", port, "master", "br0");
            IpCommand.run("ip", "-n", underlay, "link", "set", port, "up");
            IpCommand.run("ip", "-n", node, "addr", "add", underlayAddress(i) + "/24", "dev", "eth0");
            IpCommand.run("ip", "-n", node, "link", "set", "eth0", "up");
        }
        for (int i = 0; i < nodes; i++) {
            for (int j = 0; j < nodes; j++) {
                if (i != j) {
                    IpCommand.run("ip", "-n", nodeNetns(i), "route", "add", podCidr(j), "via", underlayAddress(j));
                }
            }
        }
        if (gateway) {
            IpCommand.sysctl(underlay, "net.ipv4.ip_forward", "1");
            IpCommand.sysctl(underlay, "net.ipv4.conf.all.rp_filter", "0");
            IpCommand.sysctl(underlay, "net.ipv4.conf.default.rp_filter", "0");
            IpCommand.run("ip", "-n", underlay, "addr", "add", GATEWAY_ADDRESS + "/24", "dev", "br0");
            // The externals' gateway, answered by proxy ARP on their veths as a node does for its pods.
            IpCommand.run("ip", "-n", underlay, "addr", "add", GATEWAY + "/32", "dev", "lo");
            for (int i = 0; i < nodes; i++) {
                IpCommand.run("ip", "-n", underlay, "route", "add", podCidr(i), "via", underlayAddress(i));
                IpCommand.run("ip", "-n", nodeNetns(i), "route", "add", "default", "via", GATEWAY_ADDRESS);
            }
        }
    }

    /** The gateway-side veth of an external: stable per name, at most 15 characters. */
    static String externalInterface(String name) {
        return "x" + hostInterface("external", name).substring(3);
    }

    /** Creates an external's namespace behind the gateway; returns the gateway-side interface name. */
    String createExternal(String name, String address) {
        return wire(externalNetns(name), underlayNetns(), externalInterface(name), address);
    }

    /** CNI ADD: creates the pod's namespace and wires it to its node. Returns the node-side interface name. */
    String createPod(String namespace, String pod, int node, String address) {
        return wire(podNetns(namespace, pod), nodeNetns(node), hostInterface(namespace, pod), address);
    }

    /** A new namespace with {@code address} on eth0, its default route via {@link #GATEWAY} on the router's side. */
    private static String wire(String podNs, String nodeNs, String hostIf, String address) {
        IpCommand.run("ip", "netns", "add", podNs);
        IpCommand.sysctl(podNs, "net.ipv6.conf.all.disable_ipv6", "1");
        IpCommand.sysctl(podNs, "net.ipv6.conf.default.disable_ipv6", "1");
        IpCommand.run("ip", "-n", podNs, "link", "set", "lo", "up");
        IpCommand.run("ip", "-n", nodeNs, "link", "add", hostIf, "type", "veth", "peer", "name", "eth0", "netns", podNs);
        IpCommand.run("ip", "-n", podNs, "addr", "add", address + "/32", "dev", "eth0");
        IpCommand.run("ip", "-n", podNs, "link", "set", "eth0", "up");
        IpCommand.run("ip", "-n", podNs, "route", "add", GATEWAY, "dev", "eth0", "scope", "link");
        IpCommand.run("ip", "-n", podNs, "route", "add", "default", "via", GATEWAY, "dev", "eth0");
        IpCommand.sysctl(nodeNs, "net.ipv4.conf." + hostIf + ".proxy_arp", "1");
        IpCommand.sysctl(nodeNs, "net.ipv4.conf." + hostIf + ".rp_filter", "0");
        IpCommand.run("ip", "-n", nodeNs, "link", "set", hostIf, "up");
        IpCommand.run("ip", "-n", nodeNs, "route", "add", address + "/32", "dev", hostIf);
        return hostIf;
    }

    /** Deletes every namespace of this lab (their links go with them). Returns what it deleted. */
    List<String> deleteAll() {
        List<String> deleted = IpCommand.namespaces().stream().filter(this::owns).toList();
        for (String ns : deleted) {
            IpCommand.tryRun("ip", "netns", "delete", ns);
        }
        return deleted;
    }
}
