package io.septum.cli.lab;

import com.fasterxml.jackson.databind.JsonNode;
import io.septum.cli.CliEnvironment;
import io.septum.cli.http.JsonHttp;
import io.septum.enforcer.datapath.Datapath;
import io.septum.enforcer.datapath.EventMode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Builds and tears down the lab: a cluster on one machine. {@link #up} plays the parts Kubernetes would:
 * it creates the namespaces (in identity-service), starts one enforcer per node, wires each pod as a CNI
 * plugin would and hands it to its node's enforcer, and starts the pods' servers. {@link #down} removes
 * exactly what {@code up} recorded, and anything left by an interrupted run under the lab's name.
 */
public final class LabController {

    public static final Path BPF_ROOT = Path.of("/sys/fs/bpf/septum");
    /** One line per log record: time, level, logger, message. */
    private static final String LOG_FORMAT = "-Djava.util.logging.SimpleFormatter.format=%1$tF %1$tT.%1$tL %4$s %3$s: %5$s%6$s%n";

    private final CliEnvironment env;
    private final LabNetwork network;
    private final Path labDirectory;
    private final JsonHttp identity;
    private final int apiPortBase;

    public LabController(CliEnvironment env) {
        this.env = env;
        this.network = new LabNetwork(env.labName());
        this.labDirectory = env.runDirectory().resolve("lab").resolve(env.labName());
        this.identity = new JsonHttp("identity-service", env.identityUrl(), env.token());
        this.apiPortBase = Integer.parseInt(System.getenv().getOrDefault("SEPTUM_LAB_API_PORT", "9870"));
    }

    public Optional<LabState> state() {
        return LabState.load(labDirectory);
    }

    public LabState requireState() {
        return state().orElseThrow(() -> new LabException("lab '" + env.labName() + "' is not up; start it with './septum lab up -f LABFILE'"));
    }

    public Path logDirectory() {
        return env.runDirectory().resolve("logs");
    }

    public LabState up(LabSpec spec, PrintStream out) {
        if (state().isPresent()) {
            throw new LabException("lab '" + env.labName() + "' is already up; run './septum lab down' first");
        }
        try {
            identity.get("/q/health/ready");
        } catch (JsonHttp.ServiceException e) {
            throw new LabException("the control plane is not ready: " + e.getMessage());
        }
        removeLeftovers();
        try {
            return build(spec, out);
        } catch (RuntimeException e) {
            out.println("lab up failed: " + e.getMessage());
            out.println("cleaning up what was created");
            down(new PrintStream(PrintStream.nullOutputStream()));
            throw e;
        }
    }

    private LabState build(LabSpec spec, PrintStream out) {
        for (LabSpec.Namespace ns : spec.namespaces()) {
            identity.put("/v1/namespaces/" + ns.name(), Map.of("labels", ns.labels()));
        }
        List<LabState.NodeState> nodes = new ArrayList<>();
        boolean gateway = !spec.externals().isEmpty();
        // Host endpoints need an uplink: a lab that lists its nodes gets the underlay even with one node.
        boolean underlay = spec.nodes() > 1 || gateway || spec.hostEndpoints();
        List<LabState.ExternalState> externals = new ArrayList<>();
        LabState state = new LabState(env.labName(), nodes, new ArrayList<>(), spec.namespaces(), 0,
                underlay ? network.underlayNetns() : null, externals);
        for (int i = 0; i < spec.nodes(); i++) {
            network.createNode(i);
        }
        if (underlay) {
            network.createUnderlay(spec.nodes(), gateway);
        }
        for (LabSpec.External external : spec.externals()) {
            String hostIf = network.createExternal(external.name(), external.ip());
            externals.add(new LabState.ExternalState(external.name(), network.externalNetns(external.name()), hostIf,
                    external.ip(), external.ports()));
            state.save(labDirectory);
            out.printf("  external %-19s %-15s behind the gateway%n", external.name(), external.ip());
        }
        for (int i = 0; i < spec.nodes(); i++) {
            nodes.add(startEnforcer(i, spec.nodes(), underlay, spec.hostEndpoints() ? spec.nodeSpecs().get(i) : null));
            state.save(labDirectory);
        }
        out.printf("started %d enforcer(s); waiting for them to load the datapath and sync the cluster state%n", nodes.size());
        for (LabState.NodeState node : nodes) {
            awaitEnforcer(node);
        }
        Map<Integer, Integer> ordinals = new LinkedHashMap<>();
        List<LabState.PodState> pods = new ArrayList<>();
        for (LabSpec.Pod pod : spec.pods()) {
            int ordinal = ordinals.merge(pod.node(), 1, Integer::sum) - 1;
            if (ordinal >= LabSpec.MAX_PODS_PER_NODE) {
                throw new LabException("node-" + pod.node() + " has more than " + LabSpec.MAX_PODS_PER_NODE + " pods");
            }
            String ip = LabNetwork.podAddress(pod.node(), ordinal);
            String hostIf = network.createPod(pod.namespace(), pod.name(), pod.node(), ip);
            LabState.PodState podState = new LabState.PodState(pod.namespace(), pod.name(), "node-" + pod.node(),
                    network.podNetns(pod.namespace(), pod.name()), hostIf, ip, pod.labels(), pod.ports());
            pods.add(podState);
            state = state.withPods(pods);
            state.save(labDirectory);
            addEndpoint(state.node(podState.node()), podState);
            out.printf("  pod %-24s %-15s on %s%n", pod.key(), ip, podState.node());
        }
        long daemon = startServers(state);
        state = new LabState(state.lab(), nodes, pods, spec.namespaces(), daemon, state.underlayNetns(), externals);
        state.save(labDirectory);
        return state;
    }

    /**
     * The enforcer of node {@code index}. It is told the nodes' addresses, as Cilium's agents learn them: its own
     * (the pods' gateway and its underlay address) are the host, the other nodes' underlay addresses remote nodes.
     */
    private LabState.NodeState startEnforcer(int index, int nodeCount, boolean underlay, LabSpec.Node hostEndpoint) {
        String name = "node-" + index;
        Path pins = BPF_ROOT.resolve(env.labName()).resolve(name);
        Path stateDir = labDirectory.resolve(name);
        Path log = logDirectory().resolve(env.labName() + "-" + name + ".log");
        int port = apiPortBase + index;
        // The node's own token (role enforcer, this node only): the enforcer sends it to identity-service.
        Path token = env.localAuth().mintNodeToken(name);
        List<String> command = new ArrayList<>(List.of(env.javaHome().resolve("bin/java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xmx384m", LOG_FORMAT,
                "-jar", env.enforcerJar().toString(),
                "--node", name, "--node-netns", network.nodeNetns(index),
                "--nats", env.natsUrl(), "--identity-url", env.identityUrl().toString(), "--token-file", token.toString(),
                "--api-port", Integer.toString(port), "--pin-dir", pins.toString(), "--state-dir", stateDir.toString(),
                "--host-address", LabNetwork.GATEWAY,
                // Endpoint changes through the node's API need a token the services would accept too.
                "--auth-public-key", env.localAuth().publicKey().toString()));
        if (hostEndpoint != null) {
            // The node's uplink toward the underlay makes it a host endpoint, with the lab file's labels and the
            // hostname label Kubernetes gives every node (a nodeSelector can pick one node by it).
            command.addAll(List.of("--host-interface", "eth0", "--node-label", "kubernetes.io/hostname=" + name));
            hostEndpoint.labels().forEach((k, v) -> command.addAll(List.of("--node-label", k + "=" + v)));
        }
        if (underlay) {
            command.addAll(List.of("--host-address", LabNetwork.underlayAddress(index)));
            for (int other = 0; other < nodeCount; other++) {
                if (other != index) {
                    command.addAll(List.of("--remote-node-address", LabNetwork.underlayAddress(other)));
                }
            }
        }
        // The node's NATS user (infra/auth.sh), when the installation has one: a NATS server started with
        // SEPTUM_NATS_AUTH=on accepts nothing else, one without users ignores it.
        Path natsPassword = env.natsCredentials().resolve("enforcer-" + name + ".password");
        if (Files.isReadable(natsPassword)) {
            command.addAll(List.of("--nats-user", "enforcer-" + name, "--nats-password-file", natsPassword.toString()));
        }
        long pid = Processes.startDetached(command, log);
        return new LabState.NodeState(name, index, network.nodeNetns(index), LabNetwork.podCidr(index),
                underlay ? LabNetwork.underlayAddress(index) : null, port, pid, pins.toString(), stateDir.toString(), log.toString(), command,
                hostEndpoint == null ? Map.of() : hostEndpoint.labels(), hostEndpoint == null ? List.of() : hostEndpoint.ports());
    }

    private void awaitEnforcer(LabState.NodeState node) {
        JsonHttp api = JsonHttp.enforcer(node.name(), node.apiUrl(), env.token());
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!Processes.alive(node.enforcerPid())) {
                throw new LabException("the enforcer of " + node.name() + " exited; its log " + node.logFile() + " ends with:\n" + tail(Path.of(node.logFile())));
            }
            try {
                api.get("/healthz");
                return;
            } catch (JsonHttp.ServiceException e) {
                last = e.getMessage();
            }
            sleep(200);
        }
        throw new LabException("the enforcer of " + node.name() + " was not ready within 90 s (" + last + "); see " + node.logFile());
    }

    /**
     * Stops a node's enforcer: TERM (it shuts down cleanly), or SIGKILL with {@code kill}, as a crash would.
     * Either way its programs stay attached and its maps pinned, so the node keeps enforcing the last policy.
     */
    public LabState.NodeState stopEnforcer(String nodeName, boolean kill, PrintStream out) {
        LabState state = requireState();
        LabState.NodeState node = state.node(nodeName);
        if (!Processes.alive(node.enforcerPid())) {
            out.println("the enforcer of " + node.name() + " is not running");
        } else {
            long start = System.nanoTime();
            if (kill) {
                Processes.kill(node.enforcerPid(), Duration.ofSeconds(5));
            } else {
                Processes.stop(node.enforcerPid(), Duration.ofSeconds(10));
            }
            if (Processes.alive(node.enforcerPid())) {
                throw new LabException("stop the enforcer of " + node.name() + " (pid " + node.enforcerPid() + "): still running");
            }
            out.printf("%s the enforcer of %s (pid %d) in %.1f s; its programs and pinned maps keep enforcing%n",
                    kill ? "killed (SIGKILL)" : "stopped", node.name(), node.enforcerPid(), (System.nanoTime() - start) / 1e9);
        }
        LabState.NodeState stopped = node.withEnforcerPid(0);
        requireState().withNode(stopped).save(labDirectory);
        return stopped;
    }

    /**
     * Starts a stopped enforcer with the arguments it was first started with and waits until it has re-opened
     * its pinned datapath, adopted its endpoints and synced the cluster state.
     */
    public LabState.NodeState startEnforcer(String nodeName, PrintStream out) {
        LabState state = requireState();
        LabState.NodeState node = state.node(nodeName);
        if (Processes.alive(node.enforcerPid())) {
            throw new LabException("the enforcer of " + node.name() + " is already running (pid " + node.enforcerPid()
                    + "); use 'lab enforcer restart " + node.name() + "'");
        }
        if (node.enforcerCommand() == null || node.enforcerCommand().isEmpty()) {
            throw new LabException("lab state of " + node.name() + " does not record how its enforcer was started; recreate the lab");
        }
        long start = System.nanoTime();
        LabState.NodeState started = node.withEnforcerPid(Processes.startDetached(node.enforcerCommand(), Path.of(node.logFile())));
        requireState().withNode(started).save(labDirectory);
        awaitEnforcer(started);
        out.printf("started the enforcer of %s (pid %d); ready in %.1f s%n", node.name(), started.enforcerPid(),
                (System.nanoTime() - start) / 1e9);
        return started;
    }

    void addEndpoint(LabState.NodeState node, LabState.PodState pod) {
        List<Map<String, Object>> namedPorts = new ArrayList<>();
        for (LabSpec.Port port : pod.ports()) {
            if (port.name() != null) {
                namedPorts.add(Map.of("name", port.name(), "port", port.port(), "protocol", port.protocol()));
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("interfaceName", pod.hostInterface());
        body.put("ip", pod.ip());
        body.put("labels", pod.labels());
        body.put("namedPorts", namedPorts);
        JsonHttp.enforcer(node.name(), node.apiUrl(), env.token())
                .put("/v1/endpoints/" + pod.namespace() + "/" + pod.name(), body);
    }

    private long startServers(LabState state) {
        Path ready = labDirectory.resolve("servers.ready");
        try {
            Files.deleteIfExists(ready);
        } catch (IOException e) {
            throw new LabException("clear " + ready + ": " + e.getMessage(), e);
        }
        Path log = logDirectory().resolve(env.labName() + "-pod-servers.log");
        long pid = Processes.startDetached(List.of(env.javaHome().resolve("bin/java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xmx256m", LOG_FORMAT,
                "-cp", env.ownClassPath(), "io.septum.cli.SeptumCli", "lab", "serve"), log);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(ready)) {
            if (!Processes.alive(pid)) {
                throw new LabException("the pod servers exited; " + log + " ends with:\n" + tail(log));
            }
            if (System.nanoTime() > deadline) {
                throw new LabException("the pod servers did not start within 60 s; see " + log);
            }
            sleep(100);
        }
        return pid;
    }

    /** Runs inside the detached server process: serves every pod's ports until killed. */
    public void serve() throws Exception {
        new PodServers().serve(requireState(), labDirectory.resolve("servers.ready"));
    }

    public void down(PrintStream out) {
        Optional<LabState> state = state();
        if (state.isPresent()) {
            LabState s = state.get();
            if (s.serverDaemonPid() > 0) {
                Processes.stop(s.serverDaemonPid(), Duration.ofSeconds(5));
            }
            for (LabState.NodeState node : s.nodes()) {
                if (Processes.alive(node.enforcerPid())) {
                    Processes.stop(node.enforcerPid(), Duration.ofSeconds(10));
                    out.println("stopped the enforcer of " + node.name() + " (pid " + node.enforcerPid() + ")");
                }
            }
            for (LabState.PodState pod : s.pods()) {
                bestEffort(() -> identity.delete("/v1/endpoints/" + pod.namespace() + "/" + pod.name()));
            }
            for (LabSpec.Namespace ns : s.namespaces()) {
                bestEffort(() -> identity.delete("/v1/namespaces/" + ns.name()));
            }
        }
        List<String> deleted = network.deleteAll();
        if (!deleted.isEmpty()) {
            out.println("deleted " + deleted.size() + " network namespaces (and their links)");
        }
        removeLeftovers();
        deleteRecursively(labDirectory);
        out.println("lab '" + env.labName() + "' is down");
    }

    /** Pins and namespaces under this lab's name that an interrupted run may have left. */
    private void removeLeftovers() {
        network.deleteAll();
        Path pins = BPF_ROOT.resolve(env.labName());
        if (Files.isDirectory(pins)) {
            try (Stream<Path> dirs = Files.list(pins)) {
                dirs.filter(Files::isDirectory).forEach(Datapath::removePins);
            } catch (IOException e) {
                throw new LabException("list pins in " + pins + ": " + e.getMessage(), e);
            }
            deleteRecursively(pins);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new LabException("remove " + root + ": " + e.getMessage(), e);
        }
    }

    private static void bestEffort(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            // The control plane may be down already; lab down still removes everything local.
        }
    }

    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted");
        }
    }

    /** Changes a pod's labels through its node's enforcer (which re-identifies it); returns the new labels. */
    public Map<String, String> labelPod(String key, LabelChange change) {
        LabState state = requireState();
        LabState.PodState pod = state.pod(key);
        Map<String, String> labels = change.applyTo(pod.labels());
        LabState.NodeState node = state.node(pod.node());
        JsonHttp.enforcer(node.name(), node.apiUrl(), env.token())
                .put("/v1/endpoints/" + pod.namespace() + "/" + pod.name() + "/labels", Map.of("labels", labels));
        List<LabState.PodState> pods = new ArrayList<>();
        for (LabState.PodState p : state.pods()) {
            pods.add(p.key().equals(key) ? new LabState.PodState(p.namespace(), p.name(), p.node(), p.netns(), p.hostInterface(),
                    p.ip(), labels, p.ports()) : p);
        }
        state.withPods(pods).save(labDirectory);
        return labels;
    }

    /** Changes a namespace's labels in identity-service, which re-identifies its pods; returns the new labels. */
    public Map<String, String> labelNamespace(String name, LabelChange change) {
        LabState state = requireState();
        if (change.remove().contains(io.septum.model.identity.K8sIdentityLabels.METADATA_NAME_LABEL)) {
            throw new IllegalArgumentException(io.septum.model.identity.K8sIdentityLabels.METADATA_NAME_LABEL + " is set by Kubernetes and cannot be removed");
        }
        if (state.namespaces().stream().noneMatch(ns -> ns.name().equals(name))) {
            throw new LabException("namespace " + name + " is not part of lab '" + state.lab() + "'");
        }
        JsonNode current = identity.get("/v1/namespaces/" + name);
        Map<String, String> labels = new LinkedHashMap<>();
        current.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        Map<String, String> updated = change.applyTo(labels);
        identity.put("/v1/namespaces/" + name, Map.of("labels", updated));
        List<LabSpec.Namespace> namespaces = new ArrayList<>();
        for (LabSpec.Namespace ns : state.namespaces()) {
            namespaces.add(ns.name().equals(name) ? new LabSpec.Namespace(name, updated) : ns);
        }
        state.withNamespaces(namespaces).save(labDirectory);
        return updated;
    }

    /**
     * Sets the flow event mode of {@code nodes} (every node when empty) through their enforcers' API; answers each
     * node's mode as its enforcer reports it after the change. A node that is not in the lab is refused before any change.
     */
    public Map<String, JsonNode> setFlowEventMode(LabState state, List<String> nodes, EventMode mode) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (LabState.NodeState node : selectNodes(state, nodes)) {
            out.put(node.name(), JsonHttp.enforcer(node.name(), node.apiUrl(), env.token()).put("/v1/flows/mode", Map.of("mode", mode.optionName())));
        }
        return out;
    }

    /** The nodes named (every node when none is), in the lab's order; fails naming a node the lab does not have. */
    public static List<LabState.NodeState> selectNodes(LabState state, List<String> names) {
        for (String name : names) {
            if (state.nodes().stream().noneMatch(n -> n.name().equals(name))) {
                throw new LabException("--node " + name + ": not a node of this lab (nodes: "
                        + state.nodes().stream().map(LabState.NodeState::name).toList() + ")");
            }
        }
        return state.nodes().stream().filter(n -> names.isEmpty() || names.contains(n.name())).toList();
    }

    /** The enforcer API of every node, for status and counters. */
    public Map<String, JsonNode> fromEnforcers(LabState state, String path) {
        return fromEnforcers(state.nodes(), path);
    }

    /** The enforcer API of these nodes; a node that does not answer gets {"error": …}. */
    public Map<String, JsonNode> fromEnforcers(List<LabState.NodeState> nodes, String path) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (LabState.NodeState node : nodes) {
            try {
                out.put(node.name(), JsonHttp.enforcer(node.name(), node.apiUrl(), env.token()).get(path));
            } catch (JsonHttp.ServiceException e) {
                out.put(node.name(), JsonHttp.JSON.getNodeFactory().objectNode().put("error", e.getMessage()));
            }
        }
        return out;
    }
}
