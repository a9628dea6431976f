package io.septum.cli.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.septum.cli.CliEnvironment;
import io.septum.cli.http.JsonHttp;
import io.septum.cli.policy.PolicyCommand;
import io.septum.enforcer.datapath.EventMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code septum lab}: a cluster of network namespaces on this machine, enforced by real Septum enforcers. */
@Command(name = "lab", description = "Build, inspect and probe the lab: pods as network namespaces, one enforcer per node.",
        subcommands = {LabCommand.Up.class, LabCommand.Down.class, LabCommand.Status.class, LabCommand.Ip.class,
                LabCommand.Probe.class, LabCommand.MatrixCommand.class, LabCommand.Label.class, LabCommand.Counters.class,
                LabCommand.FlowEvents.class, LabCommand.Enforcer.class, LabCommand.Serve.class})
public final class LabCommand {

    static LabController controller() {
        return new LabController(CliEnvironment.fromSystem());
    }

    static String json(Object value) {
        try {
            return JsonHttp.JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("render JSON: " + e.getMessage(), e);
        }
    }

    @Command(name = "up", description = "Create the lab described by LABFILE: nodes, enforcers, pods and their servers.")
    static final class Up implements Callable<Integer> {
        @Option(names = {"-f", "--file"}, required = true, description = "Lab file (YAML).")
        Path file;
        @Option(names = "--nodes", description = "Number of nodes, overriding the file's; pods without a node are spread over them.")
        Integer nodes;

        @Override
        public Integer call() {
            LabSpec spec = LabSpec.read(file, nodes);
            long start = System.nanoTime();
            LabState state = controller().up(spec, System.out);
            System.out.printf("lab '%s' is up: %d node(s), %d pod(s) in %.1f s%n", state.lab(), state.nodes().size(),
                    state.pods().size(), (System.nanoTime() - start) / 1e9);
            return 0;
        }
    }

    @Command(name = "down", description = "Remove every namespace, link, pin and process the lab made.")
    static final class Down implements Callable<Integer> {
        @Override
        public Integer call() {
            controller().down(System.out);
            return 0;
        }
    }

    @Command(name = "status", description = "Nodes, their enforcers, and pods with addresses and identities.")
    static final class Status implements Callable<Integer> {
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            LabController controller = controller();
            LabState state = controller.requireState();
            Map<String, JsonNode> statuses = controller.fromEnforcers(state, "/v1/status");
            Map<String, JsonNode> endpoints = controller.fromEnforcers(state, "/v1/endpoints");
            ObjectNode out = JsonHttp.JSON.createObjectNode().put("lab", state.lab());
            ArrayNode nodes = out.putArray("nodes");
            for (LabState.NodeState node : state.nodes()) {
                ObjectNode n = nodes.addObject().put("name", node.name()).put("netns", node.netns()).put("podCidr", node.podCidr())
                        .put("enforcerPid", node.enforcerPid()).put("enforcerRunning", Processes.alive(node.enforcerPid()))
                        .put("api", node.apiUrl()).put("log", node.logFile());
                n.set("status", statuses.get(node.name()));
            }
            ArrayNode namespaces = out.putArray("namespaces");
            for (LabSpec.Namespace ns : state.namespaces()) {
                namespaces.addObject().put("name", ns.name()).set("labels", JsonHttp.JSON.valueToTree(ns.labels()));
            }
            ArrayNode pods = out.putArray("pods");
            for (LabState.PodState pod : state.pods()) {
                ObjectNode p = pods.addObject().put("name", pod.key()).put("node", pod.node()).put("ip", pod.ip())
                        .put("interface", pod.hostInterface()).put("netns", pod.netns());
                p.set("labels", JsonHttp.JSON.valueToTree(pod.labels()));
                for (JsonNode ep : endpoints.getOrDefault(pod.node(), JsonHttp.JSON.nullNode()).path("items")) {
                    if (ep.path("namespace").asText().equals(pod.namespace()) && ep.path("pod").asText().equals(pod.name())) {
                        p.put("identity", ep.path("identity").asInt()).put("state", ep.path("state").asText())
                                .put("policyEntries", ep.path("policyEntries").asInt());
                    }
                }
            }
            ArrayNode externals = out.putArray("externals");
            for (LabState.ExternalState external : state.externals()) {
                externals.addObject().put("name", external.name()).put("ip", external.ip()).put("netns", external.netns())
                        .set("ports", JsonHttp.JSON.valueToTree(external.ports()));
            }
            if (json) {
                System.out.println(LabCommand.json(out));
                return 0;
            }
            System.out.print(renderStatus(out));
            return 0;
        }
    }

    /** {@code lab status} as two tables: nodes with their enforcers, pods with addresses, identities and labels. */
    static String renderStatus(JsonNode status) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("lab %s: %d node(s), %d pod(s)%n", status.path("lab").asText(), status.path("nodes").size(),
                status.path("pods").size()));
        String nodeRow = "  %-8s %-22s %-10s %-9s %-11s %-9s %s%n";
        out.append(String.format(nodeRow, "NODE", "ENFORCER", "ENDPOINTS", "POLICIES", "IDENTITIES", "IPCACHE", "PROBLEMS"));
        for (JsonNode n : status.path("nodes")) {
            JsonNode s = n.path("status");
            long pid = n.path("enforcerPid").asLong();
            String enforcer = pid == 0 ? "stopped" : "pid " + pid + (n.path("enforcerRunning").asBoolean()
                    ? (s.path("synced").asBoolean() ? " ready" : s.has("error") ? " no API" : " syncing") : " DEAD");
            boolean dead = pid != 0 && !n.path("enforcerRunning").asBoolean();
            String problems = pid == 0 ? "-" : dead ? "exited; see " + n.path("log").asText() : s.has("error") ? s.path("error").asText()
                    : s.path("problems").isEmpty() ? "-" : String.join("; ", s.path("problems").valueStream().map(JsonNode::asText).toList());
            out.append(String.format(nodeRow, n.path("name").asText(), enforcer,
                    s.has("endpoints") ? s.path("endpointsReady").asText() + "/" + s.path("endpoints").asText() + " ready" : "-",
                    revision(s, "policies"), revision(s, "identities"), revision(s, "ipcache"), problems));
        }
        String podRow = "  %-24s %-8s %-15s %-9s %-9s %-8s %s%n";
        out.append(String.format(podRow, "POD", "NODE", "IP", "IDENTITY", "STATE", "ENTRIES", "LABELS"));
        for (JsonNode p : status.path("pods")) {
            List<String> labels = new ArrayList<>();
            p.path("labels").properties().forEach(e -> labels.add(e.getKey() + "=" + e.getValue().asText()));
            out.append(String.format(podRow, p.path("name").asText(), p.path("node").asText(), p.path("ip").asText(),
                    p.path("identity").asText("-"), p.path("state").asText("-"), p.path("policyEntries").asText("-"),
                    labels.isEmpty() ? "-" : String.join(",", labels)));
        }
        if (!status.path("externals").isEmpty()) {
            out.append(String.format("  %-24s %-15s %s%n", "EXTERNAL (world)", "IP", "PORTS"));
            for (JsonNode e : status.path("externals")) {
                List<String> ports = new ArrayList<>();
                e.path("ports").forEach(p -> ports.add(p.path("port").asText() + "/" + p.path("protocol").asText()));
                out.append(String.format("  %-24s %-15s %s%n", e.path("name").asText(), e.path("ip").asText(),
                        ports.isEmpty() ? "-" : String.join(",", ports)));
            }
        }
        return out.toString();
    }

    private static String revision(JsonNode nodeStatus, String bucket) {
        JsonNode applied = nodeStatus.path("applied").path(bucket);
        return applied.isMissingNode() ? "-" : "@" + applied.asText();
    }

    @Command(name = "ip", description = "Print the address of a pod.")
    static final class Ip implements Callable<Integer> {
        @Parameters(paramLabel = "NS/POD")
        String pod;

        @Override
        public Integer call() {
            System.out.println(controller().requireState().pod(pod).ip());
            return 0;
        }
    }

    @Command(name = "probe", description = {"Try one connection from a pod, an external or a node (node/N) to a pod or an external,"
            + " as an application there would.",
            "Exit status: 0 reachable, 1 not reachable, 2 error."})
    static final class Probe implements Callable<Integer> {
        @Option(names = "--from", required = true, paramLabel = "NS/POD|EXTERNAL|node/N")
        String from;
        @Option(names = "--to", required = true, paramLabel = "NS/POD|EXTERNAL")
        String to;
        @Option(names = "--port", description = "Destination port (TCP and UDP).")
        int port;
        @Option(names = "--protocol", defaultValue = "TCP", description = "TCP, UDP or ICMP (an echo request) (default: ${DEFAULT-VALUE}).")
        String protocol;
        @Option(names = "--timeout-ms", defaultValue = "1000", description = "How long to wait, 1-60000 (default: ${DEFAULT-VALUE}).")
        int timeoutMillis;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            ProbeArguments args = new ProbeArguments(port, protocol, timeoutMillis);
            LabState state = controller().requireState();
            ProbeArguments.ProbeEnd source = ProbeArguments.source(state, from);
            ProbeArguments.ProbeEnd target = ProbeArguments.target(state, to);
            boolean reachable = Prober.probe(source.netns(), target.ip(), args.port(), args.protocol(), args.timeoutMillis());
            Prober.Result result = new Prober.Result(source.key(), target.key(), args.port(), args.protocol(), reachable);
            if (json) {
                System.out.println(LabCommand.json(result));
            } else {
                System.out.printf("%s -> %s %s/%d: %s%n", result.from(), result.to(), result.protocol(), result.port(),
                        reachable ? "reachable" : "NOT reachable");
            }
            return reachable ? 0 : 1;
        }
    }

    @Command(name = "matrix", description = {"Probe every ordered pair of pods on one port, in parallel.",
            "Text output uses the Kubernetes e2e notation: '.' reachable, 'X' not; rows are sources."})
    static final class MatrixCommand implements Callable<Integer> {
        @Option(names = "--port", required = true)
        int port;
        @Option(names = "--protocol", defaultValue = "TCP", description = "TCP, UDP or ICMP (default: ${DEFAULT-VALUE}).")
        String protocol;
        @Option(names = "--timeout-ms", defaultValue = "1000", description = "How long each probe waits, 1-60000 (default: ${DEFAULT-VALUE}).")
        int timeoutMillis;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            ProbeArguments args = new ProbeArguments(port, protocol, timeoutMillis);
            LabState state = controller().requireState();
            Matrix.Result result = Matrix.probe(state, args.port(), args.protocol(), args.timeoutMillis());
            System.out.print(json ? LabCommand.json(result) + "\n" : Matrix.render(result, state.pods().stream().map(LabState.PodState::key).toList()));
            return 0;
        }
    }

    @Command(name = "label", description = "Change labels of a pod or a namespace, as kubectl label does (KEY=VALUE sets, KEY- removes).",
            subcommands = {Label.Pod.class, Label.Namespace.class})
    static final class Label {
        @Command(name = "pod", description = "Change a pod's labels; its node's enforcer re-identifies it.")
        static final class Pod implements Callable<Integer> {
            @Parameters(index = "0", paramLabel = "NS/POD")
            String pod;
            @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY=VALUE|KEY-")
            List<String> changes;
            @Mixin
            PolicyCommand.WaitOptions waitOptions = new PolicyCommand.WaitOptions();

            @Override
            public Integer call() throws InterruptedException {
                LabelChange change = LabelChange.parse(changes);
                waitOptions.validate();
                Map<String, String> labels = controller().labelPod(pod, change);
                System.out.println("pod " + pod + " labels " + labels);
                return waitOptions.awaitIfAsked();
            }
        }

        @Command(name = "ns", description = "Change a namespace's labels; every pod in it is re-identified.")
        static final class Namespace implements Callable<Integer> {
            @Parameters(index = "0", paramLabel = "NS")
            String namespace;
            @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY=VALUE|KEY-")
            List<String> changes;
            @Mixin
            PolicyCommand.WaitOptions waitOptions = new PolicyCommand.WaitOptions();

            @Override
            public Integer call() throws InterruptedException {
                LabelChange change = LabelChange.parse(changes);
                waitOptions.validate();
                Map<String, String> labels = controller().labelNamespace(namespace, change);
                System.out.println("namespace " + namespace + " labels " + labels);
                return waitOptions.awaitIfAsked();
            }
        }
    }

    @Command(name = "counters", description = "The datapath's packet counters of every node, by verdict, direction and drop reason.")
    static final class Counters implements Callable<Integer> {
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            LabController controller = controller();
            Map<String, JsonNode> counters = controller.fromEnforcers(controller.requireState(), "/v1/counters");
            if (json) {
                System.out.println(LabCommand.json(counters));
                return 0;
            }
            System.out.printf("%-8s %-10s %-8s %-22s %10s %12s%n", "NODE", "VERDICT", "DIR", "REASON", "PACKETS", "BYTES");
            counters.forEach((node, body) -> {
                for (JsonNode c : body.path("items")) {
                    System.out.printf("%-8s %-10s %-8s %-22s %10d %12d%n", node, c.path("verdict").asText(), c.path("direction").asText(),
                            c.path("reason").asText(), c.path("packets").asLong(), c.path("bytes").asLong());
                }
            });
            return 0;
        }
    }

    @Command(name = "flow-events", description = {"Show or set what the nodes' datapath reports as flows:",
            "off (only counters), connections (one event per new connection and every drop; the default),",
            "packets (every packet: a trace mode, at a packet-rate cost). Takes effect on the next packet."})
    static final class FlowEvents implements Callable<Integer> {
        @Parameters(paramLabel = "MODE", arity = "0..1", description = "off, connections or packets; without it: show each node's mode.")
        String mode;
        @Option(names = "--node", paramLabel = "NODE", description = "Only this node (repeatable); default: every node.")
        List<String> nodes = new ArrayList<>();
        @Option(names = "--json", description = "Print JSON.")
        boolean json;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            EventMode parsed = null;
            if (mode != null) {
                try {
                    parsed = EventMode.parse(mode);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "MODE: " + e.getMessage());
                }
            }
            LabController controller = controller();
            LabState state = controller.requireState();
            Map<String, JsonNode> modes;
            if (parsed == null) {
                modes = controller.fromEnforcers(LabController.selectNodes(state, nodes), "/v1/flows/mode");
            } else {
                modes = controller.setFlowEventMode(state, nodes, parsed);
            }
            if (json) {
                System.out.println(LabCommand.json(modes));
            } else {
                modes.forEach((node, body) -> System.out.printf("%-8s %s%n", node,
                        body.has("error") ? "error: " + body.path("error").asText() : body.path("mode").asText()));
            }
            return 0;
        }
    }

    @Command(name = "enforcer", description = {"Stop, start or restart a node's enforcer process.",
            "Its BPF programs stay attached and its maps pinned while it is down, so the node keeps enforcing."},
            subcommands = {Enforcer.Stop.class, Enforcer.Start.class, Enforcer.Restart.class})
    static final class Enforcer {
        @Command(name = "stop", description = "Stop a node's enforcer: TERM, or SIGKILL with --kill (as a crash would).")
        static final class Stop implements Callable<Integer> {
            @Parameters(paramLabel = "NODE", description = "e.g. node-0")
            String node;
            @Option(names = "--kill", description = "SIGKILL instead of TERM: no shutdown hook runs.")
            boolean kill;

            @Override
            public Integer call() {
                controller().stopEnforcer(node, kill, System.out);
                return 0;
            }
        }

        @Command(name = "start", description = "Start a stopped enforcer with its original arguments and wait until it is ready.")
        static final class Start implements Callable<Integer> {
            @Parameters(paramLabel = "NODE", description = "e.g. node-0")
            String node;

            @Override
            public Integer call() {
                controller().startEnforcer(node, System.out);
                return 0;
            }
        }

        @Command(name = "restart", description = "Stop (TERM, or SIGKILL with --kill) and start a node's enforcer; waits until it is ready.")
        static final class Restart implements Callable<Integer> {
            @Parameters(paramLabel = "NODE", description = "e.g. node-0")
            String node;
            @Option(names = "--kill", description = "SIGKILL instead of TERM: no shutdown hook runs.")
            boolean kill;

            @Override
            public Integer call() {
                LabController controller = controller();
                controller.stopEnforcer(node, kill, System.out);
                controller.startEnforcer(node, System.out);
                return 0;
            }
        }
    }

    @Command(name = "serve", hidden = true, description = "Run the pods' servers (started by 'lab up').")
    static final class Serve implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            controller().serve();
            return 0;
        }
    }
}
