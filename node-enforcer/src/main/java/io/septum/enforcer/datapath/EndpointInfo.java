package io.septum.enforcer.datapath;

import java.net.Inet4Address;
import java.util.Objects;

/**
 * What the datapath knows about the pod behind a host-side veth (struct endpoint_info).
 *
 * @param endpointId  id used in policy and conntrack keys; never 0
 * @param identity    the pod's security identity
 * @param ipv4        the pod's address; packets from the pod with another source are dropped
 * @param policyEpoch bump it after every policy change of this endpoint (after the policy map is updated):
 *                    open connections are re-checked against the policy on their next packet
 * @param flags       {@link #FLAG_AUDIT_INGRESS}, {@link #FLAG_AUDIT_EGRESS}
 */
public record EndpointInfo(int endpointId, int identity, Inet4Address ipv4, int policyEpoch, int flags) {

    /** Policy drops toward the pod are let through and reported as {@link Verdict#AUDIT}. */
    public static final int FLAG_AUDIT_INGRESS = 1;
    /** Policy drops from the pod are let through and reported as {@link Verdict#AUDIT}. */
    public static final int FLAG_AUDIT_EGRESS = 1 << 1;

    public EndpointInfo {
        if (endpointId == 0) {
            throw new IllegalArgumentException("endpoint id 0 is reserved");
        }
        Objects.requireNonNull(ipv4, "ipv4");
    }

    public EndpointInfo withPolicyEpoch(int epoch) {
        return new EndpointInfo(endpointId, identity, ipv4, epoch, flags);
    }

    public EndpointInfo withFlags(int newFlags) {
        return new EndpointInfo(endpointId, identity, ipv4, policyEpoch, newFlags);
    }

    public boolean audits(Direction direction) {
        return (flags & (direction == Direction.INGRESS ? FLAG_AUDIT_INGRESS : FLAG_AUDIT_EGRESS)) != 0;
    }
}
