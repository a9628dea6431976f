package io.septum.enforcer.datapath;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * What the agent's reconciler writes and reads back: the endpoint, ipcache, prefix and policy maps, connection
 * flushes, and attaching to a pod's veth. {@link Datapath} implements it on the kernel; a benchmark of many
 * enforcer control planes in one process implements it in memory. Every write keeps the map classes' contracts
 * (e.g. {@link Policy#update} writes before it deletes and refuses a key in both).
 */
public interface EnforcementMaps {

    Endpoints endpoints();

    Ipcache ipcache();

    Prefixes prefixes();

    Policy policy();

    Conntrack conntrack();

    /** Attaches to {@code ifname} in network namespace {@code netnsName}; returns the endpoint id (the veth's ifindex). */
    int attach(String netnsName, String ifname);

    /**
     * Attaches the host endpoint's programs to the node's uplink {@code ifname} in network namespace {@code netnsName};
     * returns the host endpoint's id (the uplink's ifindex).
     */
    int attachUplink(String netnsName, String ifname);

    /** Detaches from {@code ifname}; fine if it is gone. */
    void detach(String netnsName, String ifname);

    /** struct endpoint_info by endpoint id. */
    interface Endpoints {
        void put(int ifindex, EndpointInfo info);

        boolean delete(int ifindex);

        Optional<EndpointInfo> lookup(int ifindex);

        Map<Integer, EndpointInfo> entries();
    }

    /** Address prefix to the identity the cluster gives it. */
    interface Ipcache {
        void put(Ipv4Prefix prefix, IpcacheValue value);

        boolean delete(Ipv4Prefix prefix);

        Map<Ipv4Prefix, IpcacheValue> entries();
    }

    /** The prefixes policies name, with their node-local CIDR identities. */
    interface Prefixes {
        void put(Ipv4Prefix prefix, int cidrIdentity);

        boolean delete(Ipv4Prefix prefix);

        Map<Ipv4Prefix, Integer> entries();

        int capacity();
    }

    /** The policy entries of every endpoint. */
    interface Policy {
        void update(Map<PolicyMapKey, PolicyMapValue> puts, Collection<PolicyMapKey> deletes);

        int capacity();

        Map<PolicyMapKey, PolicyMapValue> entries();

        Map<PolicyMapKey, PolicyMapValue> entries(int endpointId);
    }

    /** Connection tracking: only the flush of a removed endpoint's connections. */
    interface Conntrack {
        int deleteEndpoint(int endpointId);
    }
}
