package io.septum.it.netpol;

import io.septum.it.Lab;
import org.junit.jupiter.api.Tag;

/** The NetworkPolicy suite on one node: every pair of pods meets on the same node's veths. Needs root. */
@Tag("privileged")
@Lab(file = NetworkPolicySuite.LAB_FILE, nodes = 1, resetAfterEach = true)
class NetworkPolicyOneNodePrivilegedTest extends NetworkPolicySuite {
}
