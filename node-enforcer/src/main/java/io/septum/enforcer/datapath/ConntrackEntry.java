package io.septum.enforcer.datapath;

/**
 * A connection tracking entry (struct ct_key + struct ct_value).
 *
 * @param expiresNs    CLOCK_MONOTONIC deadline in ns (bpf_ktime_get_ns); an expired entry counts as absent
 * @param policyEpoch  the endpoint's policy epoch when the connection was last checked against policy
 * @param tcpFlagsSeen TCP flags (byte 13 of the header) seen in either direction
 */
public record ConntrackEntry(ConntrackKey key, long expiresNs, long packets, long bytes, int policyEpoch, int peerIdentity,
        int ruleRef, int tcpFlagsSeen) {

    /** Whether the entry is expired at {@code monotonicNanos} (see {@code ConntrackMap.monotonicNanos()}). */
    public boolean expiredAt(long monotonicNanos) {
        return expiresNs - monotonicNanos <= 0;
    }
}
