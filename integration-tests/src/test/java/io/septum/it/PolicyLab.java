package io.septum.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A running lab as the end-to-end tests drive it, entirely through {@code ./septum} as a user would:
 * policies applied and deleted, pod and namespace labels changed (and put back), reachability matrices
 * probed. Every change is followed by {@code policy wait}, so what the next matrix sees is enforced on every node.
 */
public final class PolicyLab implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a probe waits for an answer: generous, since an allowed probe answers in milliseconds. */
    private static final String PROBE_TIMEOUT_MS = "1000";
    private static final String WAIT_TIMEOUT = "30s";

    private final List<LabPod> pods;
    private final Map<String, Map<String, String>> originalPodLabels;
    private final Map<String, Map<String, String>> originalNamespaceLabels;
    /** Objects whose labels this test changed, with the keys it touched: what {@link #reset} puts back. */
    private final Map<String, Set<String>> touchedPodLabels = new LinkedHashMap<>();
    private final Map<String, Set<String>> touchedNamespaceLabels = new LinkedHashMap<>();
    private final Path policyDirectory;

    private PolicyLab(JsonNode status) throws IOException {
        List<LabPod> list = new ArrayList<>();
        Map<String, Map<String, String>> podLabels = new LinkedHashMap<>();
        for (JsonNode p : status.path("pods")) {
            String[] key = p.path("name").asText().split("/");
            list.add(new LabPod(key[0], key[1], p.path("node").asText(), p.path("ip").asText(), p.path("netns").asText()));
            podLabels.put(p.path("name").asText(), labels(p.path("labels")));
        }
        Map<String, Map<String, String>> namespaceLabels = new LinkedHashMap<>();
        for (JsonNode ns : status.path("namespaces")) {
            namespaceLabels.put(ns.path("name").asText(), labels(ns.path("labels")));
        }
        this.pods = List.copyOf(list);
        this.originalPodLabels = podLabels;
        this.originalNamespaceLabels = namespaceLabels;
        this.policyDirectory = Files.createTempDirectory("septum-it-policies");
    }

    /** Brings up the lab of {@code labFile} on {@code nodes} nodes, after removing any lab and policies left behind. */
    public static PolicyLab up(String labFile, int nodes) throws Exception {
        SeptumCommand.run("lab", "down");
        SeptumCommand.ok("policy", "delete", "--all");
        SeptumCommand.ok("lab", "up", "-f", labFile, "--nodes", Integer.toString(nodes));
        SeptumCommand.ok("policy", "wait", "--timeout", "60s");
        return new PolicyLab(JSON.readTree(SeptumCommand.ok("lab", "status", "--json")));
    }

    public List<LabPod> pods() {
        return pods;
    }

    public LabPod pod(String key) {
        return pods.stream().filter(p -> p.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no pod " + key + " in the lab"));
    }

    /** Everything reachable on {@code probe}: the start of every expectation. */
    public Reachability allReachable(ProbePort probe) {
        return Reachability.allReachable(probe, pods);
    }

    /** A NetworkPolicy: {@code spec} is YAML as under {@code spec:}. */
    public record Policy(String namespace, String name, String spec) {
        String yaml() {
            return """
                    apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata:
                      name: %s
                      namespace: %s
                    spec:
                    %s""".formatted(name, namespace, spec.stripTrailing().indent(2));
        }
    }

    public static Policy policy(String namespace, String name, String spec) {
        return new Policy(namespace, name, spec);
    }

    /** Applies one NetworkPolicy and waits until every node enforces it. */
    public void apply(String namespace, String name, String spec) throws Exception {
        apply(policy(namespace, name, spec));
    }

    /** Applies policies in one {@code policy apply --wait}: created together, enforced together. */
    public void apply(Policy... policies) throws Exception {
        SeptumCommand.ok("policy", "apply", "-f", write(policies).toString(), "--wait", "--timeout", WAIT_TIMEOUT);
    }

    /** Applies policy documents of any kind (YAML, several separated by ---) and waits until every node enforces them. */
    public void applyYaml(String yaml) throws Exception {
        Path file = Files.createTempFile(policyDirectory, "policy", ".yaml");
        Files.writeString(file, yaml);
        SeptumCommand.ok("policy", "apply", "-f", file.toString(), "--wait", "--timeout", WAIT_TIMEOUT);
    }

    /** Applies policies without waiting, for when no enforcer is there to report (they are stopped). */
    public void applyWithoutWaiting(Policy... policies) throws Exception {
        SeptumCommand.ok("policy", "apply", "-f", write(policies).toString());
    }

    private Path write(Policy... policies) throws IOException {
        Path file = Files.createTempFile(policyDirectory, "policy", ".yaml");
        Files.writeString(file, String.join("---\n", java.util.Arrays.stream(policies).map(Policy::yaml).toList()));
        return file;
    }

    /** Deletes NS/NAME and waits until every node enforces that. */
    public void delete(String policy) throws Exception {
        SeptumCommand.ok("policy", "delete", policy, "--wait", "--timeout", WAIT_TIMEOUT);
    }

    /** {@code lab label pod --wait}; {@link #reset} puts the touched labels back. */
    public void labelPod(String key, String... changes) throws Exception {
        touch(touchedPodLabels, key, changes);
        SeptumCommand.ok(concat(List.of("lab", "label", "pod", key, "--wait", "--timeout", WAIT_TIMEOUT), changes));
    }

    /** {@code lab label ns --wait}; {@link #reset} puts the touched labels back. */
    public void labelNamespace(String namespace, String... changes) throws Exception {
        touch(touchedNamespaceLabels, namespace, changes);
        SeptumCommand.ok(concat(List.of("lab", "label", "ns", namespace, "--wait", "--timeout", WAIT_TIMEOUT), changes));
    }

    /** Deletes every policy and puts back every label a test changed, then waits: the lab is as it was brought up. */
    public void reset() throws Exception {
        List<List<String>> commands = new ArrayList<>();
        commands.add(new ArrayList<>(List.of("policy", "delete", "--all")));
        restoring(touchedPodLabels, originalPodLabels, "pod", commands);
        restoring(touchedNamespaceLabels, originalNamespaceLabels, "ns", commands);
        // Only the last command waits: that covers every change before it.
        commands.getLast().addAll(List.of("--wait", "--timeout", WAIT_TIMEOUT));
        for (List<String> command : commands) {
            SeptumCommand.ok(command.toArray(String[]::new));
        }
    }

    /** Probes the matrices of every probe port at once (each is a separate {@code lab matrix} run). */
    public List<Reachability> observe(List<ProbePort> probes) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(probes.size())) {
            List<Future<String>> runs = new ArrayList<>();
            for (ProbePort probe : probes) {
                runs.add(pool.submit(() -> {
                    SeptumCommand.Result result = SeptumCommand.runQuietly("lab", "matrix", "--port", Integer.toString(probe.port()),
                            "--protocol", probe.protocol(), "--timeout-ms", PROBE_TIMEOUT_MS, "--json");
                    if (result.exitCode() != 0) {
                        throw new AssertionError("lab matrix " + probe + " exited " + result.exitCode() + ":\n" + result.output());
                    }
                    return result.output();
                }));
            }
            List<Reachability> observed = new ArrayList<>();
            for (Future<String> run : runs) {
                observed.add(Reachability.observed(JSON.readTree(run.get()), pods));
            }
            return observed;
        }
    }

    /**
     * Probes every expectation's matrix (in parallel) and fails with the differences of all of them, so that
     * one run shows the whole picture.
     */
    public void verify(Reachability... expectations) throws Exception {
        List<Reachability> observed = observe(java.util.Arrays.stream(expectations).map(Reachability::probe).toList());
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < expectations.length; i++) {
            expectations[i].differencesFrom(observed.get(i)).ifPresent(failures::add);
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("reachability differs from the expectation\n" + String.join("\n", failures));
        }
    }

    /** Deletes every policy and takes the lab down. */
    @Override
    public void close() throws IOException {
        tearDown();
    }

    /**
     * Deletes every policy and takes down whatever lab is up, also one whose bring-up failed half-way (there is no
     * PolicyLab for it then).
     */
    static void tearDown() throws IOException {
        try {
            try {
                SeptumCommand.run("policy", "delete", "--all");
            } finally {
                SeptumCommand.run("lab", "down");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("tear down the lab: interrupted");
        }
    }

    private static void touch(Map<String, Set<String>> touched, String object, String... changes) {
        Set<String> keys = touched.computeIfAbsent(object, o -> new LinkedHashSet<>());
        for (String change : changes) {
            int eq = change.indexOf('=');
            keys.add(eq > 0 ? change.substring(0, eq) : change.substring(0, change.length() - 1));
        }
    }

    private static void restoring(Map<String, Set<String>> touched, Map<String, Map<String, String>> original, String kind,
                                  List<List<String>> commands) {
        for (Map.Entry<String, Set<String>> object : touched.entrySet()) {
            Map<String, String> labels = original.getOrDefault(object.getKey(), Map.of());
            List<String> changes = new ArrayList<>(List.of("lab", "label", kind, object.getKey()));
            for (String key : object.getValue()) {
                changes.add(labels.containsKey(key) ? key + "=" + labels.get(key) : key + "-");
            }
            commands.add(changes);
        }
        touched.clear();
    }

    private static String[] concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
