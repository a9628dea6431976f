package io.septum.it.netpol;

import org.junit.jupiter.api.Tag;

/** The NetworkPolicy suite on one node: every pair of pods meets on the same node's veths. Needs root. */
@Tag("privileged")
class NetworkPolicyOneNodePrivilegedTest extends NetworkPolicySuite {

    @Override
    int nodes() {
        return 1;
    }
}
