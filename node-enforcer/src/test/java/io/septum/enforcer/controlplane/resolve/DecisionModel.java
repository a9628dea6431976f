package io.septum.enforcer.controlplane.resolve;

import io.septum.enforcer.controlplane.cluster.ClusterState;
import io.septum.enforcer.controlplane.mapstate.MapState;
import io.septum.enforcer.controlplane.mapstate.PolicyEntry;
import io.septum.enforcer.controlplane.mapstate.PolicyKey;
import io.septum.model.identity.ReservedIdentity;
import io.septum.model.kv.IpcacheRecord;
import io.septum.model.net.Ipv4Cidr;
import io.septum.model.policy.Direction;

import java.util.Map;
import java.util.Optional;

/**
 * The datapath's policy decision (bpf-src/lib/policy.h) in Java, over a resolved {@link MapState} and the
 * cluster's ipcache and prefixes, so table tests can say "x/a reaches 10.0.1.1:80/TCP" instead of listing
 * keys. Mirrors: the peer's ipcache identity (world when no entry), its CIDR identity (longest named prefix),
 * and 0; per identity only the longest matching protocol/port prefix counts; any deny wins.
 */
final class DecisionModel {

    private DecisionModel() {
    }

    static boolean allows(MapState state, ClusterState cluster, Direction direction, String peerAddress, int protocol, int port) {
        int address = Ipv4Cidr.parseAddress(peerAddress);
        int ipcacheIdentity = longest(cluster.ipcacheEntries().stream()
                .map(r -> Map.entry(Ipv4Cidr.parse(r.prefix()), r)), address)
                .map(IpcacheRecord::identity).orElse(ReservedIdentity.WORLD.id().value());
        int cidrIdentity = longest(cluster.cidrIdentities().prefixes().entrySet().stream(), address).orElse(0);
        Optional<PolicyEntry> specific = lookup(state, ipcacheIdentity, direction, protocol, port);
        Optional<PolicyEntry> cidr = cidrIdentity == 0 ? Optional.empty() : lookup(state, cidrIdentity, direction, protocol, port);
        Optional<PolicyEntry> any = lookup(state, 0, direction, protocol, port);
        if (specific.map(PolicyEntry::deny).orElse(false) || cidr.map(PolicyEntry::deny).orElse(false)
                || any.map(PolicyEntry::deny).orElse(false)) {
            return false;
        }
        return specific.isPresent() || cidr.isPresent() || any.isPresent();
    }

    private static <V> Optional<V> longest(java.util.stream.Stream<Map.Entry<Ipv4Cidr, V>> prefixes, int address) {
        return prefixes.filter(e -> e.getKey().contains(address))
                .max((a, b) -> Integer.compare(a.getKey().length(), b.getKey().length()))
                .map(Map.Entry::getValue);
    }

    /** The longest-prefix entry of one identity for the packet, as one LPM lookup finds it. */
    private static Optional<PolicyEntry> lookup(MapState state, int identity, Direction direction, int protocol, int port) {
        PolicyKey packet = PolicyKey.exactPort(identity, direction, protocol, port);
        return state.entries().entrySet().stream()
                .filter(e -> packet.coveredBy(e.getKey()))
                .max((a, b) -> Integer.compare(a.getKey().prefixBits(), b.getKey().prefixBits()))
                .map(Map.Entry::getValue);
    }
}
