package io.septum.it.netpol;

import io.septum.it.Lab;
import org.junit.jupiter.api.Tag;

/**
 * The NetworkPolicy suite on three nodes: pods are spread round-robin (x/a, y/a, z/a on node-0, and so on),
 * so most pairs cross the underlay and are enforced by two enforcers from the cluster-wide ipcache. The
 * expectations are those of one node. Needs root.
 */
@Tag("privileged")
@Lab(file = NetworkPolicySuite.LAB_FILE, nodes = 3, resetAfterEach = true)
class NetworkPolicyThreeNodesPrivilegedTest extends NetworkPolicySuite {
}
