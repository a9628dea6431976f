package io.septum.model.policy.cilium;

import io.septum.model.identity.K8sIdentityLabels;
import io.septum.model.identity.ReservedIdentity;
import io.septum.model.labels.EndpointSelector;
import io.septum.model.labels.SelectorRequirement;
import io.septum.model.policy.rules.Peer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cilium's entities as peers. Reserved entities are their reserved identities; {@code cluster} is every pod
 * (every identity with a namespace) plus the reserved identities that live inside the cluster; {@code all}
 * is any peer. {@code world-ipv6} matches nothing in this IPv4 datapath.
 */
final class Entities {

    static final List<String> NAMES = List.of("all", "world", "world-ipv4", "world-ipv6", "cluster", "host", "remote-node",
            "init", "health", "unmanaged", "kube-apiserver", "ingress");

    private static final List<ReservedIdentity> IN_CLUSTER = List.of(ReservedIdentity.HOST, ReservedIdentity.REMOTE_NODE,
            ReservedIdentity.INIT, ReservedIdentity.HEALTH, ReservedIdentity.UNMANAGED, ReservedIdentity.KUBE_APISERVER,
            ReservedIdentity.INGRESS);

    private Entities() {
    }

    /** The peers an entity stands for; empty when the name is not an entity. */
    static Optional<List<Peer>> peers(String name) {
        return switch (name) {
            case "all" -> Optional.of(List.of(new Peer.Any()));
            case "world", "world-ipv4" -> Optional.of(List.of(new Peer.Entity(ReservedIdentity.WORLD)));
            case "world-ipv6" -> Optional.of(List.of());
            case "cluster" -> {
                List<Peer> peers = new ArrayList<>();
                peers.add(new Peer.Selected(EndpointSelector.of(SelectorRequirement.exists(K8sIdentityLabels.namespaceKey()))));
                IN_CLUSTER.forEach(r -> peers.add(new Peer.Entity(r)));
                yield Optional.of(peers);
            }
            default -> ReservedIdentity.byEntityName(name).map(r -> List.<Peer>of(new Peer.Entity(r)));
        };
    }
}
