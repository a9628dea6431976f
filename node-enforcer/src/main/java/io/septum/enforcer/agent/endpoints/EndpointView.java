package io.septum.enforcer.agent.endpoints;

import java.util.List;

/** A local endpoint as the enforcer reports it: what it is, which identity it has, how its policy stands. */
public record EndpointView(String namespace, String pod, String ip, String interfaceName, int ifindex, int identity,
                           List<String> identityLabels, int policyEntries, int policyEpoch, String state, String problem) {
}
