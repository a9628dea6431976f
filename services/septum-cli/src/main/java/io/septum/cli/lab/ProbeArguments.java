package io.septum.cli.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The arguments of {@code lab probe} and {@code lab matrix}, checked before anything is probed. Each error
 * names the option, what it accepts and what it got. The protocol is matched case-insensitively and kept
 * in the upper case that NetworkPolicy uses; ICMP is an echo request and takes no port.
 */
public record ProbeArguments(int port, String protocol, int timeoutMillis) {

    public static final int MAX_TIMEOUT_MILLIS = 60_000;

    public ProbeArguments {
        String upper = protocol == null ? "" : protocol.toUpperCase(Locale.ROOT);
        if (!upper.equals("TCP") && !upper.equals("UDP") && !upper.equals("ICMP")) {
            throw new IllegalArgumentException("--protocol: must be TCP, UDP or ICMP (echo), got '" + protocol + "'");
        }
        protocol = upper;
        if (upper.equals("ICMP")) {
            port = 0; // an echo request has no port; policy matches its ICMP type (8)
        } else if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--port: must be between 1 and 65535, got " + port);
        }
        if (timeoutMillis < 1 || timeoutMillis > MAX_TIMEOUT_MILLIS) {
            throw new IllegalArgumentException("--timeout-ms: must be between 1 and " + MAX_TIMEOUT_MILLIS + ", got " + timeoutMillis);
        }
    }

    /** The pod {@code key} (NS/POD) given to {@code option}, which must be one of the lab's pods. */
    public static LabState.PodState pod(LabState state, String option, String key) {
        String[] parts = key.split("/", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException(option + ": expected NS/POD, got '" + key + "'");
        }
        return state.pods().stream().filter(p -> p.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(option + ": no pod " + key + " in lab '" + state.lab() + "' (pods: "
                        + String.join(", ", state.pods().stream().map(LabState.PodState::key).toList()) + ")"));
    }

    /** One end of a probe: a pod, an external, or a node's own network namespace (as the node itself would send). */
    public record ProbeEnd(String key, String netns, String ip) {
    }

    /** {@code --from}: NS/POD, an external's NAME, or node/N (the node itself: the host to its pods, a remote node to others). */
    public static ProbeEnd source(LabState state, String text) {
        return end(state, "--from", text, true);
    }

    /** {@code --to}: NS/POD, an external's NAME, or node/N when the lab file gives that node ports (served on its underlay address). */
    public static ProbeEnd target(LabState state, String text) {
        return end(state, "--to", text, false);
    }

    private static ProbeEnd end(LabState state, String option, String text, boolean nodes) {
        for (LabState.PodState pod : state.pods()) {
            if (pod.key().equals(text)) {
                return new ProbeEnd(pod.key(), pod.netns(), pod.ip());
            }
        }
        for (LabState.ExternalState external : state.externals()) {
            if (external.name().equals(text)) {
                return new ProbeEnd(external.name(), external.netns(), external.ip());
            }
        }
        for (LabState.NodeState node : state.nodes()) {
            if (text.equals("node/" + node.index())) {
                if (!nodes) {
                    if (node.ports().isEmpty() || node.underlayAddress() == null) {
                        throw new IllegalArgumentException(option + ": " + text + " serves no ports; give it ports in the lab file's nodes list"
                                + " (nodes: [{ports: [{port: 22}]}, …]), or probe a pod or an external");
                    }
                    return new ProbeEnd(text, node.netns(), node.underlayAddress());
                }
                return new ProbeEnd(text, node.netns(), null);
            }
        }
        List<String> known = new ArrayList<>();
        state.pods().forEach(p -> known.add(p.key()));
        state.externals().forEach(e -> known.add(e.name()));
        if (nodes) {
            state.nodes().forEach(n -> known.add("node/" + n.index()));
        }
        throw new IllegalArgumentException(option + ": no pod, external" + (nodes ? " or node" : "") + " '" + text + "' in lab '"
                + state.lab() + "' (" + String.join(", ", known) + ")");
    }
}
