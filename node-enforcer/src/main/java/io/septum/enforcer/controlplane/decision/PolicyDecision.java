package io.septum.enforcer.controlplane.decision;

import io.septum.enforcer.controlplane.cluster.ClusterState;
import io.septum.enforcer.controlplane.mapstate.MapState;
import io.septum.enforcer.controlplane.mapstate.PolicyEntry;
import io.septum.enforcer.controlplane.mapstate.PolicyKey;
import io.septum.model.identity.ReservedIdentity;
import io.septum.model.net.Ipv4Cidr;
import io.septum.model.policy.Direction;

import java.util.Map;
import java.util.Optional;

/**
 * The datapath's policy decision for the first packet of a connection (bpf-src/lib/policy.h), in Java, over
 * an endpoint's resolved {@link MapState}: what {@code policy explain} reports. Keep it in step with
 * policy.h: up to three longest-prefix lookups, one per identity of the peer (its ipcache identity, its
 * CIDR identity, 0 = any); a deny in any of them wins; otherwise the most specific hit allows and names
 * the rule; no hit is the default deny of an isolated direction.
 */
public final class PolicyDecision {

    /** {@code ruleRef} is the deciding entry's rule number (0: none, e.g. a direction no policy isolates). */
    public record Decision(boolean allowed, boolean denyRule, int ruleRef, Peer peer) {

        /** Dropped because no entry matched: the default deny of a direction that policies isolate. */
        public boolean defaultDeny() {
            return !allowed && !denyRule;
        }
    }

    /** What a peer address is to policy: its ipcache identity (world when no prefix covers it) and its CIDR identity (0: none). */
    public record Peer(int identity, int cidrIdentity) {
    }

    private PolicyDecision() {
    }

    /** The peer identities of {@code address} as the datapath finds them in the ipcache and prefixes maps. */
    public static Peer peer(ClusterState cluster, int address) {
        int identity = ReservedIdentity.WORLD.id().value();
        int longest = -1;
        for (var record : cluster.ipcacheEntries()) {
            Ipv4Cidr prefix = Ipv4Cidr.parse(record.prefix());
            if (prefix.contains(address) && prefix.length() > longest) {
                longest = prefix.length();
                identity = record.identity();
            }
        }
        int cidrIdentity = 0;
        longest = -1;
        for (Map.Entry<Ipv4Cidr, Integer> prefix : cluster.cidrIdentities().prefixes().entrySet()) {
            if (prefix.getKey().contains(address) && prefix.getKey().length() > longest) {
                longest = prefix.getKey().length();
                cidrIdentity = prefix.getValue();
            }
        }
        return new Peer(identity, cidrIdentity);
    }

    public static Decision decide(MapState state, Peer peer, Direction direction, int protocol, int port) {
        Optional<PolicyEntry> specific = lookup(state, peer.identity(), direction, protocol, port);
        Optional<PolicyEntry> cidr = peer.cidrIdentity() == 0 || peer.cidrIdentity() == peer.identity() ? Optional.empty()
                : lookup(state, peer.cidrIdentity(), direction, protocol, port);
        Optional<PolicyEntry> any = lookup(state, 0, direction, protocol, port);
        for (Optional<PolicyEntry> hit : java.util.List.of(specific, cidr, any)) {
            if (hit.isPresent() && hit.get().deny()) {
                return new Decision(false, true, hit.get().ruleRef(), peer);
            }
        }
        for (Optional<PolicyEntry> hit : java.util.List.of(specific, cidr, any)) {
            if (hit.isPresent()) {
                return new Decision(true, false, hit.get().ruleRef(), peer);
            }
        }
        return new Decision(false, false, 0, peer);
    }

    /** The longest-prefix entry of one identity for the packet, as one LPM lookup finds it. */
    private static Optional<PolicyEntry> lookup(MapState state, int identity, Direction direction, int protocol, int port) {
        PolicyKey packet = PolicyKey.exactPort(identity, direction, protocol, port);
        PolicyKey best = null;
        // Any protocol (prefix 0) down to the exact port (24): at most 18 prefixes to try, longest first.
        for (int bits = PolicyKey.FULL_BITS; bits >= 0; bits--) {
            if (bits > 0 && bits < PolicyKey.PROTOCOL_BITS) {
                continue;
            }
            PolicyKey candidate = truncate(packet, bits);
            if (state.entries().containsKey(candidate)) {
                best = candidate;
                break;
            }
        }
        return Optional.ofNullable(best).map(state.entries()::get);
    }

    private static PolicyKey truncate(PolicyKey packet, int bits) {
        if (bits == 0) {
            return PolicyKey.anyProtocol(packet.identity(), packet.direction());
        }
        int portBits = bits - PolicyKey.PROTOCOL_BITS;
        int mask = portBits == 0 ? 0 : (0xffff << (16 - portBits)) & 0xffff;
        return new PolicyKey(packet.identity(), packet.direction(), packet.protocol(), packet.port() & mask, bits);
    }
}
