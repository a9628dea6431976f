package io.septum.cli.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.septum.cli.http.JsonHttp;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.septum.model.policy.PolicyObject;
import io.septum.model.policy.PolicyParser;
import io.septum.model.policy.PolicyValidationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code septum policy}: apply, list and delete network policies, and wait until the nodes enforce them. */
@Command(name = "policy", description = "Apply, diff, list, read and delete network policies; their history; wait until every node enforces them.",
        subcommands = {PolicyCommand.Apply.class, PolicyCommand.Diff.class, ExplainCommand.class, PolicyCommand.Get.class, PolicyCommand.History.class, PolicyCommand.Delete.class, PolicyCommand.ListPolicies.class, PolicyCommand.Wait.class})
public final class PolicyCommand {

    @Command(name = "apply", description = {"Create or update the policies in FILE (multi-document YAML or JSON) or in every .yaml/.yml/.json file of DIR,",
            "all or nothing. Applying the same bundle again changes nothing and says 'unchanged'."})
    static final class Apply implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        BundleOptions bundle = new BundleOptions();
        @Option(names = "--dry-run", description = "Only print what would change (created/updated/unchanged/pruned); store nothing.")
        boolean dryRun;
        @picocli.CommandLine.Mixin
        WaitOptions waitOptions = new WaitOptions();

        @Override
        public Integer call() throws InterruptedException {
            waitOptions.validate();
            JsonNode result = bundle.apply(dryRun);
            for (JsonNode r : result.path("results")) {
                System.out.printf("%s %s %s%n", r.path("kind").asText().toLowerCase(java.util.Locale.ROOT),
                        qualified(r), r.path("action").asText());
            }
            boolean changed = false;
            for (JsonNode r : result.path("results")) {
                changed |= !"unchanged".equals(r.path("action").asText());
            }
            if (result.path("dryRun").asBoolean()) {
                System.out.println(changed ? "dry run: nothing stored" : "dry run: no changes");
                return 0;
            }
            System.out.println((changed ? "revision " : "no changes, revision ") + result.path("revision").asText());
            return waitOptions.awaitIfAsked();
        }
    }

    @Command(name = "diff", description = {"Show how the policies in FILE|DIR differ from the stored ones, as a unified diff of each changed object.",
            "Exit status: 0 when nothing would change, 1 when something would (as kubectl diff)."})
    static final class Diff implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        BundleOptions bundle = new BundleOptions();

        @Override
        public Integer call() {
            JsonNode plan = bundle.apply(true);
            Map<String, JsonNode> local = new HashMap<>();
            for (PolicyObject object : bundle.parseLocally()) {
                local.put(key(object.ref().kind(), object.ref().namespace(), object.ref().name()), object.document());
            }
            boolean differs = false;
            for (JsonNode r : plan.path("results")) {
                String action = r.path("action").asText();
                if ("unchanged".equals(action)) {
                    continue;
                }
                differs = true;
                String name = r.path("kind").asText().toLowerCase(java.util.Locale.ROOT) + " " + qualified(r);
                String stored = "created".equals(action) ? "" : Documents.yaml(PolicyService.get(r.path("namespace").asText(),
                        r.path("name").asText(), r.path("kind").asText(), 0).path("document"));
                String wanted = "pruned".equals(action) ? ""
                        : Documents.yaml(local.get(key(r.path("kind").asText(), r.path("namespace").asText(), r.path("name").asText())));
                String diff = UnifiedDiff.of(name + " (stored)", stored, name + " (" + bundle.path + ")", wanted);
                System.out.print(diff.isEmpty() ? "--- " + name + ": " + action + " (owner only)\n" : diff);
            }
            return differs ? 1 : 0;
        }

        private static String key(String kind, String namespace, String name) {
            return kind + "/" + namespace + "/" + name;
        }
    }

    /** FILE|DIR and what an apply does with it: the namespace of documents that name none, source, prune. */
    static final class BundleOptions {
        @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE|DIR")
        Path path;
        @Option(names = {"-n", "--namespace"}, defaultValue = "default", description = "Namespace of documents that name none (default: ${DEFAULT-VALUE}).")
        String namespace;
        @Option(names = "--source", paramLabel = "NAME", description = "The bundle's source (e.g. repository/path): it owns every object applied with it.")
        String source;
        @Option(names = "--prune", description = "Delete the objects owned by --source that the bundle no longer holds (needs --source).")
        boolean prune;

        JsonNode apply(boolean dryRun) {
            if (prune && source == null) {
                throw new IllegalArgumentException("--prune needs --source: only the objects a source owns are pruned");
            }
            return PolicyService.apply(readBundle(path), namespace, source, prune, dryRun);
        }

        List<PolicyObject> parseLocally() {
            try {
                return PolicyParser.parse(readBundle(path), namespace);
            } catch (PolicyValidationException e) {
                throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
            }
        }
    }

    @Command(name = "get", description = "Print the policy NS/NAME (namespace _ for cluster-wide kinds) as stored, or as it was after --revision N.")
    static final class Get implements Callable<Integer> {
        @Parameters(paramLabel = "NS/NAME")
        String name;
        @Option(names = "--revision", paramLabel = "N", description = "The object as it was after revision N.")
        long revision;
        @Option(names = "--kind", description = "When objects of several kinds have that name.")
        String kind;
        @Option(names = "--json", description = "Print the whole answer as JSON.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            String[] parts = namespaceAndName(name);
            JsonNode policy = PolicyService.get(parts[0], parts[1], kind, revision);
            if (json) {
                System.out.println(JsonHttp.JSON.writeValueAsString(policy));
                return 0;
            }
            System.out.printf("# %s %s, revision %s%s%n", policy.path("kind").asText(), qualified(policy),
                    policy.path("revision").asText(), policy.path("source").asText().isEmpty() ? "" : ", source " + policy.path("source").asText());
            System.out.print(Documents.yaml(policy.path("document")));
            return 0;
        }
    }

    @Command(name = "history", description = {"Without NS/NAME: the latest revisions (who, when, what, how many nodes realized each).",
            "With NS/NAME: every change of that policy, newest first."})
    static final class History implements Callable<Integer> {
        @Parameters(paramLabel = "NS/NAME", arity = "0..1")
        String name;
        @Option(names = "--limit", defaultValue = "20", description = "How many revisions (default: ${DEFAULT-VALUE}).")
        int limit;
        @Option(names = "--json", description = "Print the answer as JSON.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            String format = "%-9s %-20s %-16s %-8s %-9s %-36s %s%n";
            JsonNode answer;
            if (name == null) {
                answer = PolicyService.revisions(limit);
            } else {
                String[] parts = namespaceAndName(name);
                answer = PolicyService.history(parts[0], parts[1]);
            }
            if (json) {
                System.out.println(JsonHttp.JSON.writeValueAsString(answer));
                return 0;
            }
            System.out.printf(format, "REVISION", "TIME", "ACTOR", "OP", "REALIZED", "OBJECT", "SOURCE");
            for (JsonNode item : answer.path("items")) {
                String what = name == null ? item.path("changes").asText() + " object(s)"
                        : item.path("kind").asText() + " " + qualified(item);
                String op = name == null ? item.path("operation").asText() : item.path("action").asText();
                System.out.printf(format, item.path("revision").asText(), item.path("createdAt").asText().replaceFirst("\\.\\d+Z$", "Z"),
                        item.path("actor").asText(), op, item.path("realizedNodes").asText() + "/" + item.path("totalNodes").asText(),
                        what, item.path("source").asText());
            }
            return 0;
        }
    }

    static String qualified(JsonNode object) {
        String namespace = object.path("namespace").asText();
        return (namespace.isEmpty() ? "" : namespace + "/") + object.path("name").asText();
    }

    static String[] namespaceAndName(String value) {
        String[] parts = value.split("/", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException("NS/NAME: expected namespace/name, got '" + value + "'");
        }
        return parts;
    }

    /** The bundle at FILE, or every .yaml/.yml/.json file of DIR in name order as one multi-document stream. */
    static String readBundle(Path path) {
        try {
            if (!Files.isDirectory(path)) {
                return Files.readString(path);
            }
            List<String> documents = new ArrayList<>();
            try (Stream<Path> files = Files.list(path)) {
                for (Path file : files.filter(f -> f.toString().matches(".*\\.(yaml|yml|json)$")).sorted().toList()) {
                    documents.add(Files.readString(file));
                }
            }
            if (documents.isEmpty()) {
                throw new IllegalArgumentException("no .yaml, .yml or .json files in " + path);
            }
            // JSON is YAML, so one multi-document YAML stream carries every file.
            return String.join("\n---\n", documents);
        } catch (IOException e) {
            throw new UncheckedIOException("read " + path + ": " + e.getMessage(), e);
        }
    }

    @Command(name = "delete", description = "Delete the policy NS/NAME (every kind of that name), or all policies.")
    static final class Delete implements Callable<Integer> {
        @ArgGroup(multiplicity = "1")
        Target target;

        static final class Target {
            @Parameters(paramLabel = "NS/NAME")
            String name;
            @Option(names = "--all", description = "Delete every policy.")
            boolean all;
        }

        @picocli.CommandLine.Mixin
        WaitOptions waitOptions = new WaitOptions();

        @Override
        public Integer call() throws InterruptedException {
            waitOptions.validate();
            JsonNode result;
            if (target.all) {
                result = PolicyService.delete(null, null);
            } else {
                String[] parts = namespaceAndName(target.name);
                result = PolicyService.delete(parts[0], parts[1]);
            }
            int deleted = result.path("deleted").size();
            for (JsonNode d : result.path("deleted")) {
                System.out.printf("%s %s/%s deleted%n", d.path("kind").asText().toLowerCase(java.util.Locale.ROOT),
                        d.path("namespace").asText(), d.path("name").asText());
            }
            System.out.println(deleted == 0 ? "no policies to delete" : "revision " + result.path("revision").asText());
            return waitOptions.awaitIfAsked();
        }
    }

    @Command(name = "list", description = "List stored policies.")
    static final class ListPolicies implements Callable<Integer> {
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            JsonNode result = PolicyService.list();
            if (json) {
                System.out.println(JsonHttp.JSON.writeValueAsString(result));
                return 0;
            }
            System.out.printf("%-14s %-16s %-32s %s%n", "KIND", "NAMESPACE", "NAME", "REVISION");
            for (JsonNode p : result.path("items")) {
                System.out.printf("%-14s %-16s %-32s %s%n", p.path("kind").asText(), p.path("namespace").asText(),
                        p.path("name").asText(), p.path("revision").asText());
            }
            return 0;
        }
    }

    @Command(name = "wait", description = {"Wait until every node enforces every policy and label change made before this call.",
            "Exit status: 0 when they do, 1 on timeout."})
    static final class Wait implements Callable<Integer> {
        @Option(names = "--timeout", defaultValue = "30s", description = "How long to wait, e.g. 500ms, 30s, 2m (default: ${DEFAULT-VALUE}).")
        String timeout;

        @Override
        public Integer call() throws InterruptedException {
            return PolicyWait.until(PolicyWait.parseDuration("--timeout", timeout), System.out, System.err) ? 0 : 1;
        }
    }

    /** {@code --wait} and {@code --timeout} for commands that change what nodes enforce, as {@code kubectl --wait} does. */
    public static final class WaitOptions {
        @Option(names = "--wait", description = "Then wait until every node enforces the change (as 'policy wait'); exit 1 on timeout.")
        boolean wait;
        @Option(names = "--timeout", defaultValue = "30s", description = "How long --wait waits, e.g. 500ms, 30s, 2m (default: ${DEFAULT-VALUE}).")
        String timeout;

        /** Validates before the change is made, so a bad --timeout changes nothing. */
        public void validate() {
            PolicyWait.parseDuration("--timeout", timeout);
        }

        /** The exit status: 0, or 1 when waiting timed out. */
        public int awaitIfAsked() throws InterruptedException {
            return !wait || PolicyWait.until(PolicyWait.parseDuration("--timeout", timeout), System.out, System.err) ? 0 : 1;
        }
    }
}
