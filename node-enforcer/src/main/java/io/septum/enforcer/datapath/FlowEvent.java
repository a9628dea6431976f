package io.septum.enforcer.datapath;

import java.net.Inet4Address;

/**
 * One flow event (struct flow_event): the first packet of a connection (forwarded or audited) or a drop.
 * Ports in host order; for ICMP echo both ports are the echo id; addresses are 0.0.0.0 where the packet
 * was not IPv4.
 *
 * @param timestampNs      CLOCK_MONOTONIC time in ns (bpf_ktime_get_ns)
 * @param endpointId       0 for {@link DropReason#UNKNOWN_ENDPOINT}
 * @param ifindex          the host-side veth
 * @param sourceIdentity   0 where not resolved (drops before policy)
 * @param destinationIdentity 0 where not resolved
 * @param reason           for {@link Verdict#AUDIT}: why it would have been dropped
 * @param reply            the packet replied to a tracked connection that policy no longer allowed
 * @param ruleRef          the deciding policy entry's rule reference, 0 = none/unknown
 * @param packetLength     bytes, L2 header included
 */
public record FlowEvent(long timestampNs, int endpointId, int ifindex, int sourceIdentity, int destinationIdentity,
        Inet4Address source, Inet4Address destination, int sourcePort, int destinationPort, int protocol, Verdict verdict,
        DropReason reason, Direction direction, int tcpFlags, boolean reply, int ruleRef, int packetLength) {
}
