package io.septum.model.flows;

import java.util.List;

/**
 * One flow as flow-service serves it (GET /v1/flows, the follow stream) and the CLI shows it: a datapath event
 * with names. Every field is always present: a text that does not apply is empty, a list that does not apply
 * is empty.
 *
 * @param time           the packet's wall-clock time (RFC 3339, ns)
 * @param node           the node whose datapath saw it
 * @param verdict        FORWARDED, DROPPED or AUDIT
 * @param dropReason     a drop reason name of bpf-src/lib/drop_reasons.h; NONE when forwarded
 * @param direction      INGRESS or EGRESS, from the point of view of the endpoint that saw it
 * @param protocol       TCP, UDP, ICMP, SCTP, or the IP protocol number
 * @param tcpFlags       of the packet, e.g. [SYN]
 * @param reply          the packet replied to a connection that policy no longer allowed
 * @param policies       the policies that decided: the deciding rule's policy, or for a default deny the policies
 *                       that isolate the endpoint in that direction (as "NetworkPolicy ns/name")
 * @param rule           the deciding rule ("NetworkPolicy ns/name ingress[0]"), empty when no rule decided
 * @param summary        one line for people
 */
public record Flow(String time, String node, String verdict, String dropReason, String direction, String protocol,
        FlowEndpoint source, FlowEndpoint destination, int sourcePort, int destinationPort, List<String> tcpFlags,
        boolean reply, int packetLength, List<String> policies, String rule, String summary) {

    public Flow {
        tcpFlags = List.copyOf(tcpFlags);
        policies = List.copyOf(policies);
    }

    /**
     * One side of a flow.
     *
     * @param identity  numeric security identity, 0 when the datapath had not resolved it
     * @param namespace the pod's namespace, empty for a non-pod
     * @param pod       the pod's name, empty for a non-pod
     * @param node      the node hosting the address, empty when unknown
     * @param labels    the identity's labels ({@code source:key=value})
     * @param name      how to call it: {@code ns/pod}, a reserved entity ({@code world}, {@code host}...), or the address
     */
    public record FlowEndpoint(String ip, int identity, String namespace, String pod, String node, List<String> labels, String name) {

        public FlowEndpoint {
            labels = List.copyOf(labels);
        }
    }
}
