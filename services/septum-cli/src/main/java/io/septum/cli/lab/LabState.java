package io.septum.cli.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a running lab is made of — every namespace, link, pin directory and process it created — kept in
 * {@code <run>/lab/<lab>/state.json}, so that {@code lab down} removes exactly that, and every other
 * command finds pods, addresses and enforcers.
 */
public record LabState(String lab, List<NodeState> nodes, List<PodState> pods, List<LabSpec.Namespace> namespaces,
                       long serverDaemonPid, String underlayNetns, List<ExternalState> externals) {

    public LabState {
        externals = externals == null ? List.of() : externals;
    }

    /** A host outside the cluster, in its own namespace behind the gateway (the underlay namespace). */
    public record ExternalState(String name, String netns, String hostInterface, String ip, List<LabSpec.Port> ports) {
    }

    /**
     * A node and its enforcer. {@code enforcerPid} is 0 while the enforcer is stopped ({@code lab enforcer stop});
     * {@code enforcerCommand} is how it was started, so that a restart runs it with exactly the same arguments.
     * {@code labels} and {@code ports}: the lab file's (a host endpoint's labels; what a server on
     * {@code underlayAddress} serves).
     */
    public record NodeState(String name, int index, String netns, String podCidr, String underlayAddress,
                            int apiPort, long enforcerPid, String pinDirectory, String stateDirectory, String logFile,
                            List<String> enforcerCommand, Map<String, String> labels, List<LabSpec.Port> ports) {
        public NodeState {
            labels = labels == null ? Map.of() : labels;
            ports = ports == null ? List.of() : ports;
        }

        public String apiUrl() {
            return "http://127.0.0.1:" + apiPort;
        }

        public NodeState withEnforcerPid(long pid) {
            return new NodeState(name, index, netns, podCidr, underlayAddress, apiPort, pid, pinDirectory, stateDirectory, logFile,
                    enforcerCommand, labels, ports);
        }
    }

    public record PodState(String namespace, String name, String node, String netns, String hostInterface, String ip,
                           Map<String, String> labels, List<LabSpec.Port> ports) {
        public String key() {
            return namespace + "/" + name;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static Path file(Path labDirectory) {
        return labDirectory.resolve("state.json");
    }

    public static Optional<LabState> load(Path labDirectory) {
        Path file = file(labDirectory);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), LabState.class));
        } catch (IOException e) {
            throw new UncheckedIOException("read lab state " + file + ": " + e.getMessage(), e);
        }
    }

    public void save(Path labDirectory) {
        Path file = file(labDirectory);
        Path temp = file.resolveSibling("state.json.tmp");
        try {
            Files.createDirectories(labDirectory);
            JSON.writeValue(temp.toFile(), this);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("write lab state " + file + ": " + e.getMessage(), e);
        }
    }

    public PodState pod(String key) {
        return pods.stream().filter(p -> p.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no pod " + key + " in lab " + lab
                        + " (pods: " + String.join(", ", pods.stream().map(PodState::key).toList()) + ")"));
    }

    public NodeState node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + name + " in lab " + lab
                        + " (nodes: " + String.join(", ", nodes.stream().map(NodeState::name).toList()) + ")"));
    }

    public LabState withNode(NodeState node) {
        List<NodeState> replaced = nodes.stream().map(n -> n.name().equals(node.name()) ? node : n).toList();
        return new LabState(lab, replaced, pods, namespaces, serverDaemonPid, underlayNetns, externals);
    }

    public LabState withPods(List<PodState> newPods) {
        return new LabState(lab, nodes, newPods, namespaces, serverDaemonPid, underlayNetns, externals);
    }

    public LabState withNamespaces(List<LabSpec.Namespace> newNamespaces) {
        return new LabState(lab, nodes, pods, newNamespaces, serverDaemonPid, underlayNetns, externals);
    }
}
