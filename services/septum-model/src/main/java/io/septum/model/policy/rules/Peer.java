package io.septum.model.policy.rules;

import io.septum.model.identity.ReservedIdentity;
import io.septum.model.labels.EndpointSelector;
import io.septum.model.net.Ipv4Cidr;

import java.util.List;

/** Whom a rule allows or denies traffic from (ingress) or to (egress). */
public sealed interface Peer {

    /** Any peer at all: pods, hosts and the world ("from" omitted or empty in a NetworkPolicy). */
    record Any() implements Peer {
        @Override
        public String toString() {
            return "any";
        }
    }

    /** Endpoints whose identity labels the selector matches. */
    record Selected(EndpointSelector selector) implements Peer {
        @Override
        public String toString() {
            return selector.toString();
        }
    }

    /**
     * Addresses in {@code cidr} but not in any of {@code except}. Matched by address, so it covers pods
     * whose IPs fall in the block too, as the Kubernetes e2e suite expects.
     */
    record Cidr(Ipv4Cidr cidr, List<Ipv4Cidr> except) implements Peer {
        public Cidr {
            except = List.copyOf(except);
        }

        @Override
        public String toString() {
            return except.isEmpty() ? cidr.toString() : cidr + " except " + except;
        }
    }

    /**
     * A reserved identity, as a CiliumNetworkPolicy entity names it ({@code host}, {@code world}, …): matched by
     * identity number, so it needs no identity to be known with its labels.
     */
    record Entity(ReservedIdentity identity) implements Peer {
        @Override
        public String toString() {
            return "entity:" + identity.entityName();
        }
    }
}
