package io.septum.model.flows;

/**
 * One flow event as it travels from an enforcer to flow-service: the fields of the datapath's
 * {@code struct flow_event} with the codes of bpf-src (verdict, drop reason, direction) unchanged.
 * Addresses are IPv4 in host order as ints; ports in host order.
 *
 * @param monotonicNanos      the node's CLOCK_MONOTONIC time of the packet; {@link FlowBatch#wallClockNanos} converts
 * @param endpointId          the local endpoint that saw the packet, 0 when unknown
 * @param ifindex             the endpoint's host-side veth
 * @param sourceIdentity      0 where not resolved
 * @param destinationIdentity 0 where not resolved
 * @param verdict             {@link #VERDICT_NAMES} index
 * @param reason              drop reason code (bpf-src/lib/drop_reasons.h)
 * @param direction           {@link #DIRECTION_NAMES} index, from the endpoint's point of view
 * @param reply               the packet replied to a connection that policy no longer allowed
 * @param ruleNumber          {@link io.septum.model.policy.rules.RuleRef#number()} of the deciding rule, 0 = none
 */
public record FlowRecord(long monotonicNanos, int endpointId, int ifindex, int sourceIdentity, int destinationIdentity,
        int sourceAddress, int destinationAddress, int sourcePort, int destinationPort, int protocol, int verdict, int reason,
        int direction, int tcpFlags, boolean reply, int ruleNumber, int packetLength) {

    /** Verdict names by code, as bpf-src/lib/common.h numbers them (enum verdict). */
    public static final java.util.List<String> VERDICT_NAMES = java.util.List.of("FORWARDED", "DROPPED", "AUDIT");
    /** Direction names by code, as bpf-src/lib/common.h numbers them (enum direction). */
    public static final java.util.List<String> DIRECTION_NAMES = java.util.List.of("INGRESS", "EGRESS");
}
