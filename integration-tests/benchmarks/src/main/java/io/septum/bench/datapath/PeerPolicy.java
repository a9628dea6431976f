package io.septum.bench.datapath;

import io.septum.bench.datapath.BenchTopology.Pod;
import io.septum.enforcer.datapath.Direction;
import io.septum.enforcer.datapath.Ipv4;
import io.septum.enforcer.datapath.PolicyMapKey;
import io.septum.enforcer.datapath.PolicyMapValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one policy every enforcement mode expresses: the server pod accepts, from the client pod, exactly the
 * workloads' ports, and from {@code size - allowed} other peers (other pods, other identities) one TCP port
 * each; nothing else. Ingress only, as a NetworkPolicy selecting the server for ingress does: the client's egress
 * and the server's egress are not restricted. The other peers never send: they make the policy big, as a
 * cluster with many workloads does, while the measured flows are the client's.
 *
 * <p>Septum writes it as policy map entries; iptables as one rule per (peer, port) in the server's chain, the
 * allowed client's rules last (the walk a connection pays is then the whole chain: iptables' worst case, and what
 * a NetworkPolicy whose allowed peer sorts last costs); ipset as the same pairs in one hash:ip,port set matched by
 * one rule. "Size" counts what each mode's data structure holds for the server's ingress.
 */
public final class PeerPolicy {

    public static final int CLIENT_ENDPOINT = 1;
    public static final int SERVER_ENDPOINT = 2;
    public static final int CLIENT_IDENTITY = 50_001;
    public static final int SERVER_IDENTITY = 50_002;
    /** Identities of the other peers: 100000, 100001, ... */
    static final int FIRST_OTHER_IDENTITY = 100_000;
    /** Addresses of the other peers: 10.251.0.1, 10.251.0.2, ... (never routed: they only fill rules). */
    static final int FIRST_OTHER_ADDRESS = Ipv4.bits(Ipv4.parse("10.251.0.1"));
    private static final int FIRST_OTHER_PORT = 1024;
    private static final int OTHER_PORTS = 50_000;
    /** rule_ref of the entries that allow the client, so flow events would name the rule. */
    private static final int ALLOW_RULE = 1;
    private static final int OTHER_RULE = 2;
    private static final int UNSELECTED_RULE = 3;

    /** Entries that are not per-peer: allow-all for the directions no policy selects (client in and out, server out). */
    static final int SEPTUM_FIXED_ENTRIES = 3;

    private PeerPolicy() {
    }

    /** The smallest size every mode can express: the client's allowed ports plus the fixed entries. */
    public static int minimumSize() {
        return SEPTUM_FIXED_ENTRIES + Workload.values().length;
    }

    /** The policy map contents for {@code size} entries in all (at least {@link #minimumSize()}). */
    public static Map<PolicyMapKey, PolicyMapValue> septumEntries(int size) {
        requireSize(size);
        Map<PolicyMapKey, PolicyMapValue> out = new LinkedHashMap<>();
        out.put(PolicyMapKey.anyProtocol(CLIENT_ENDPOINT, 0, Direction.EGRESS), PolicyMapValue.allow(UNSELECTED_RULE));
        out.put(PolicyMapKey.anyProtocol(CLIENT_ENDPOINT, 0, Direction.INGRESS), PolicyMapValue.allow(UNSELECTED_RULE));
        out.put(PolicyMapKey.anyProtocol(SERVER_ENDPOINT, 0, Direction.EGRESS), PolicyMapValue.allow(UNSELECTED_RULE));
        for (Workload w : Workload.values()) {
            out.put(PolicyMapKey.exactPort(SERVER_ENDPOINT, CLIENT_IDENTITY, Direction.INGRESS, w.protocol().number(), w.port()),
                    PolicyMapValue.allow(ALLOW_RULE));
        }
        for (int i = 0; out.size() < size; i++) {
            out.put(PolicyMapKey.exactPort(SERVER_ENDPOINT, FIRST_OTHER_IDENTITY + i, Direction.INGRESS,
                    Workload.Protocol.TCP.number(), otherPort(i)), PolicyMapValue.allow(OTHER_RULE));
        }
        return out;
    }

    /**
     * An iptables-restore script for the node's filter table with {@code size} rules in the server's ingress chain,
     * stateful like kube-router's and Calico's: established and related packets are accepted first, so only a
     * connection's first packet walks the chain.
     */
    public static String iptablesScript(int size) {
        requireSize(size);
        StringBuilder out = new StringBuilder(size * 80);
        out.append("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:").append(chain()).append(" - [0:0]\n");
        out.append("-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n");
        out.append("-A FORWARD -o ").append(Pod.SERVER.hostInterface()).append(" -j ").append(chain()).append('\n');
        int others = size - Workload.values().length;
        for (int i = 0; i < others; i++) {
            out.append("-A ").append(chain()).append(" -s ").append(otherAddress(i)).append("/32 -p tcp -m tcp --dport ")
                    .append(otherPort(i)).append(" -j ACCEPT\n");
        }
        for (Workload w : Workload.values()) {
            String p = w.protocol().iptablesName();
            out.append("-A ").append(chain()).append(" -s ").append(Pod.CLIENT.address()).append("/32 -p ").append(p)
                    .append(" -m ").append(p).append(" --dport ").append(w.port()).append(" -j ACCEPT\n");
        }
        out.append("-A ").append(chain()).append(" -j DROP\nCOMMIT\n");
        return out.toString();
    }

    /** The same policy with the pairs in one ipset: an ipset-restore script creating it with {@code size} members. */
    public static String ipsetScript(int size) {
        requireSize(size);
        StringBuilder out = new StringBuilder(size * 48);
        out.append("create ").append(ipsetName()).append(" hash:ip,port family inet hashsize 4096 maxelem ")
                .append(Math.max(65536, Integer.highestOneBit(size) * 2)).append('\n');
        for (Workload w : Workload.values()) {
            out.append("add ").append(ipsetName()).append(' ').append(Pod.CLIENT.address()).append(',')
                    .append(w.protocol().iptablesName()).append(':').append(w.port()).append('\n');
        }
        int others = size - Workload.values().length;
        for (int i = 0; i < others; i++) {
            out.append("add ").append(ipsetName()).append(' ').append(otherAddress(i)).append(",tcp:").append(otherPort(i)).append('\n');
        }
        return out.toString();
    }

    /** The iptables-restore script that matches the ipset: established first, then one set lookup, then drop. */
    public static String iptablesWithIpsetScript() {
        return "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:" + chain() + " - [0:0]\n"
                + "-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n"
                + "-A FORWARD -o " + Pod.SERVER.hostInterface() + " -j " + chain() + "\n"
                + "-A " + chain() + " -m set --match-set " + ipsetName() + " src,dst -j ACCEPT\n"
                + "-A " + chain() + " -j DROP\nCOMMIT\n";
    }

    static String chain() {
        return "SEPBENCH-B-INGRESS";
    }

    static String ipsetName() {
        return "sepbench-b-ingress";
    }

    /** The other peers' addresses, for tests. */
    static List<String> otherAddresses(int count) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(otherAddress(i));
        }
        return out;
    }

    private static String otherAddress(int i) {
        return Ipv4.address(FIRST_OTHER_ADDRESS + i).getHostAddress();
    }

    private static int otherPort(int i) {
        return FIRST_OTHER_PORT + i % OTHER_PORTS;
    }

    private static void requireSize(int size) {
        if (size < minimumSize()) {
            throw new IllegalArgumentException("a policy of " + size + " entries cannot hold the client's " + Workload.values().length
                    + " allowed ports and the " + SEPTUM_FIXED_ENTRIES + " unselected directions; use at least " + minimumSize());
        }
    }
}
