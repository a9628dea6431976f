package io.septum.cli.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.septum.model.net.Ipv4Cidr;
import io.septum.model.policy.FieldCursor;
import io.septum.model.policy.FieldError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A lab file: how many nodes, which namespaces (with labels), which pods (with labels, node and the
 * ports their servers listen on) and which hosts outside the cluster ({@code externals}: name, address and
 * ports, reached through the lab's gateway as the internet would be). Validated as a whole; errors name the field.
 */
public record LabSpec(int nodes, List<Namespace> namespaces, List<Pod> pods, List<External> externals, List<Node> nodeSpecs) {

    /**
     * A node as a list entry of {@code nodes} gives it: its labels (which a cluster-wide policy's nodeSelector matches)
     * and the ports a server on its underlay address listens on ({@code lab probe --to node/N}). A lab whose nodes are
     * such a list makes each node a host endpoint (host policies apply); {@code nodes: N} leaves the nodes unjudged,
     * as before. {@code nodeSpecs} is empty for {@code nodes: N}.
     */
    public record Node(Map<String, String> labels, List<Port> ports) {
    }

    /** True when the nodes are host endpoints (the lab file lists them). */
    public boolean hostEndpoints() {
        return !nodeSpecs.isEmpty();
    }

    /** A host outside the cluster: its address is no cluster address, so policy sees it as the world. */
    public record External(String name, String ip, List<Port> ports) {
    }

    /** Address ranges the lab itself uses (pods, underlay, gateway): no external may take an address in them. */
    static final List<Ipv4Cidr> RESERVED_RANGES = List.of(Ipv4Cidr.parse("10.244.0.0/16"), Ipv4Cidr.parse("10.245.0.0/16"),
            Ipv4Cidr.parse("169.254.0.0/16"), Ipv4Cidr.parse("127.0.0.0/8"), Ipv4Cidr.parse("0.0.0.0/8"), Ipv4Cidr.parse("224.0.0.0/3"));

    public record Namespace(String name, Map<String, String> labels) {
    }

    public record Port(int port, String protocol, String name) {
    }

    /** {@code node} is -1 when the file leaves placement to the lab (round-robin). */
    public record Pod(String namespace, String name, Map<String, String> labels, int node, List<Port> ports) {
        public String key() {
            return namespace + "/" + name;
        }
    }

    public static final int MAX_NODES = 16;
    public static final int MAX_PODS_PER_NODE = 250;

    public static LabSpec read(Path file) {
        return read(file, null);
    }

    /** Reads a lab file; {@code nodesOverride}, when given, replaces its node count (pods are spread again). */
    public static LabSpec read(Path file, Integer nodesOverride) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("read lab file " + file + ": " + e.getMessage(), e);
        }
        JsonNode root;
        try {
            root = YAMLMapper.builder().build().readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("lab file " + file + " is not valid YAML: " + e.getMessage(), e);
        }
        return parse(root, file.toString(), nodesOverride);
    }

    public static LabSpec parse(JsonNode root, String source, Integer nodesOverride) {
        List<FieldError> errors = new ArrayList<>();
        FieldCursor at = FieldCursor.root(root, 0, errors);
        int nodes = 1;
        List<Namespace> namespaces = new ArrayList<>();
        List<Pod> pods = new ArrayList<>();
        List<External> externals = new ArrayList<>();
        List<Node> nodeSpecs = new ArrayList<>();
        if (at.requireObject(Set.of("nodes", "namespaces", "pods", "externals"))) {
            FieldCursor nodesAt = at.field("nodes");
            if (nodesAt.isPresent() && nodesAt.node().isArray()) {
                nodeSpecs = nodesAt.list(LabSpec::readNode);
                if (nodesAt.node().isEmpty() || nodesAt.node().size() > MAX_NODES) {
                    nodesAt.error("must list 1 to " + MAX_NODES + " nodes, got " + nodesAt.node().size());
                }
                nodes = Math.max(1, Math.min(MAX_NODES, nodeSpecs.size()));
                if (nodesOverride != null && nodesOverride != nodeSpecs.size()) {
                    errors.add(new FieldError(0, "nodes", "--nodes cannot change a lab file that lists its nodes ("
                            + nodeSpecs.size() + ", --nodes " + nodesOverride + ")"));
                }
            } else {
                nodes = nodesAt.integer(1, MAX_NODES).orElse(1);
            }
            if (nodesOverride != null && nodeSpecs.isEmpty()) {
                if (nodesOverride < 1 || nodesOverride > MAX_NODES) {
                    errors.add(new FieldError(0, "nodes", "--nodes must be between 1 and " + MAX_NODES + ", got " + nodesOverride));
                }
                nodes = Math.max(1, Math.min(MAX_NODES, nodesOverride));
            }
            namespaces = at.field("namespaces").list(LabSpec::readNamespace);
            int nodeCount = nodes;
            pods = at.field("pods").list(p -> readPod(p, nodeCount));
            externals = at.field("externals").list(LabSpec::readExternal);
        }
        // Over the file's own entries, so that each error names the index the file has (invalid ones included).
        Set<String> externalNames = new HashSet<>();
        Set<String> externalIps = new HashSet<>();
        JsonNode declared = root == null ? null : root.path("externals");
        for (int i = 0; declared != null && declared.isArray() && i < declared.size(); i++) {
            String name = declared.get(i).path("name").asText("");
            String ip = declared.get(i).path("ip").asText("");
            if (!name.isEmpty() && !externalNames.add(name)) {
                errors.add(new FieldError(0, "externals[" + i + "].name", "external " + name + " is declared twice"));
            }
            if (!ip.isEmpty() && !externalIps.add(ip)) {
                errors.add(new FieldError(0, "externals[" + i + "].ip", "address " + ip + " is used by two externals"));
            }
        }
        Set<String> namespaceNames = new HashSet<>();
        for (int i = 0; i < namespaces.size(); i++) {
            if (!namespaceNames.add(namespaces.get(i).name())) {
                errors.add(new FieldError(0, "namespaces[" + i + "].name", "namespace " + namespaces.get(i).name() + " is declared twice"));
            }
        }
        Set<String> podNames = new HashSet<>();
        for (int i = 0; i < pods.size(); i++) {
            Pod pod = pods.get(i);
            if (!podNames.add(pod.key())) {
                errors.add(new FieldError(0, "pods[" + i + "].name", "pod " + pod.key() + " is declared twice"));
            }
            if (!namespaceNames.contains(pod.namespace())) {
                // Kubernetes needs the namespace to exist; declaring it implicitly keeps small lab files short.
                namespaces.add(new Namespace(pod.namespace(), Map.of()));
                namespaceNames.add(pod.namespace());
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("lab file " + source + " is invalid:\n  "
                    + String.join("\n  ", errors.stream().map(FieldError::toString).toList()));
        }
        return new LabSpec(nodes, namespaces, placed(pods, nodes), externals, nodeSpecs);
    }

    /** Pods without a node go round-robin over the nodes, in file order. */
    private static List<Pod> placed(List<Pod> pods, int nodes) {
        List<Pod> out = new ArrayList<>();
        int next = 0;
        for (Pod pod : pods) {
            if (pod.node() >= 0) {
                out.add(pod);
            } else {
                out.add(new Pod(pod.namespace(), pod.name(), pod.labels(), next++ % nodes, pod.ports()));
            }
        }
        return out;
    }

    private static Optional<Node> readNode(FieldCursor at) {
        if (!at.requireObject(Set.of("labels", "ports"))) {
            return Optional.empty();
        }
        return Optional.of(new Node(labels(at.field("labels")), at.field("ports").list(LabSpec::readPort)));
    }

    private static Optional<Namespace> readNamespace(FieldCursor at) {
        if (!at.requireObject(Set.of("name", "labels"))) {
            return Optional.empty();
        }
        Optional<String> name = at.field("name").requiredText();
        name.filter(n -> !FieldCursor.isDnsLabel(n)).ifPresent(n -> at.field("name").error("'" + n + "' is not a valid namespace name"));
        Map<String, String> labels = labels(at.field("labels"));
        return name.map(n -> new Namespace(n, labels));
    }

    private static Optional<Pod> readPod(FieldCursor at, int nodes) {
        if (!at.requireObject(Set.of("name", "labels", "node", "ports"))) {
            return Optional.empty();
        }
        FieldCursor nameAt = at.field("name");
        Optional<String> name = nameAt.requiredText();
        String namespace = null;
        String pod = null;
        if (name.isPresent()) {
            String[] parts = name.get().split("/", -1);
            if (parts.length != 2 || !FieldCursor.isDnsLabel(parts[0]) || !FieldCursor.isDnsLabel(parts[1])) {
                nameAt.error("'" + name.get() + "' must be NAMESPACE/POD, both DNS labels");
            } else {
                namespace = parts[0];
                pod = parts[1];
            }
        }
        Map<String, String> labels = labels(at.field("labels"));
        int node = at.field("node").integer(0, nodes - 1).orElse(-1);
        List<Port> ports = at.field("ports").list(LabSpec::readPort);
        if (namespace == null) {
            return Optional.empty();
        }
        return Optional.of(new Pod(namespace, pod, labels, node, ports));
    }

    private static Optional<External> readExternal(FieldCursor at) {
        if (!at.requireObject(Set.of("name", "ip", "ports"))) {
            return Optional.empty();
        }
        FieldCursor nameAt = at.field("name");
        Optional<String> name = nameAt.requiredText();
        name.filter(n -> !FieldCursor.isDnsLabel(n) || n.equals("node"))
                .ifPresent(n -> nameAt.error("'" + n + "' must be a DNS label other than 'node' (probes name nodes node/N)"));
        FieldCursor ipAt = at.field("ip");
        Optional<String> ip = ipAt.requiredText().filter(text -> {
            try {
                int address = Ipv4Cidr.parseAddress(text);
                Optional<Ipv4Cidr> clash = RESERVED_RANGES.stream().filter(r -> r.contains(address)).findFirst();
                clash.ifPresent(r -> ipAt.error(text + " is in " + r + ", which the lab uses or cannot route;"
                        + " take one from 192.0.2.0/24, 198.51.100.0/24 or 203.0.113.0/24"));
                return clash.isEmpty();
            } catch (IllegalArgumentException e) {
                ipAt.error("'" + text + "' is not an IPv4 address");
                return false;
            }
        });
        List<Port> ports = at.field("ports").list(LabSpec::readPort);
        if (name.isEmpty() || ip.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new External(name.get(), ip.get(), ports));
    }

    private static Optional<Port> readPort(FieldCursor at) {
        if (!at.requireObject(Set.of("port", "protocol", "name"))) {
            return Optional.empty();
        }
        Optional<Integer> port = at.field("port").integer(1, 65535);
        if (!at.field("port").isPresent()) {
            at.field("port").error("is required");
        }
        FieldCursor protocolAt = at.field("protocol");
        String protocol = protocolAt.text().orElse("TCP");
        if (!protocol.equals("TCP") && !protocol.equals("UDP")) {
            protocolAt.error("must be TCP or UDP");
        }
        Optional<String> name = at.field("name").text();
        return port.map(p -> new Port(p, protocol, name.orElse(null)));
    }

    private static Map<String, String> labels(FieldCursor at) {
        Map<String, String> labels = new LinkedHashMap<>(at.stringMap());
        labels.forEach((k, v) -> {
            FieldCursor.labelKeyProblem(k).ifPresent(at.field(k)::error);
            FieldCursor.labelValueProblem(v).ifPresent(at.field(k)::error);
        });
        return labels;
    }
}
