package io.septum.enforcer.agent;

import java.net.URI;
import java.nio.file.Path;

/**
 * Everything an enforcer process is told at start.
 *
 * @param node          this node's name, as endpoints and statuses carry it
 * @param nodeNetns     network namespace holding the host side of this node's pod veths (the lab's node
 *                      namespace); empty when they live in the enforcer's own namespace, as on a real node
 * @param natsUrl       NATS server with the identities, ipcache and policies buckets
 * @param identityUrl   identity-service base URL
 * @param apiHost       address of the local endpoint API (the CNI plugin and the lab call it)
 * @param apiPort       port of the local endpoint API
 * @param pinDirectory  where the BPF maps are pinned; enforcement outlives this process through them
 * @param stateDirectory where local endpoints are recorded, so a restarted enforcer knows its pods
 * @param allowFromHost whether the node itself may always reach its pods (kubelet probes)
 * @param statusIntervalMillis heartbeat of the status report
 */
public record EnforcerConfig(String node, String nodeNetns, String natsUrl, URI identityUrl, String apiHost, int apiPort,
                             Path pinDirectory, Path stateDirectory, boolean allowFromHost, long statusIntervalMillis) {
}
