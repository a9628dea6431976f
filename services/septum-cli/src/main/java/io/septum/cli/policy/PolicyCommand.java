package io.septum.cli.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.septum.cli.CliEnvironment;
import io.septum.cli.http.JsonHttp;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code septum policy}: apply, list and delete network policies, and wait until the nodes enforce them. */
@Command(name = "policy", description = "Apply, list and delete network policies; wait until every node enforces them.",
        subcommands = {PolicyCommand.Apply.class, PolicyCommand.Delete.class, PolicyCommand.ListPolicies.class, PolicyCommand.Wait.class})
public final class PolicyCommand {

    static JsonHttp policyService() {
        return new JsonHttp("policy-service", CliEnvironment.fromSystem().policyUrl(), CliEnvironment.fromSystem().token());
    }

    @Command(name = "apply", description = "Create or update the policies in FILE (multi-document YAML or JSON) or in every .yaml/.yml/.json file of DIR.")
    static final class Apply implements Callable<Integer> {
        @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE|DIR")
        Path path;
        @Option(names = {"-n", "--namespace"}, defaultValue = "default", description = "Namespace of documents that name none (default: ${DEFAULT-VALUE}).")
        String namespace;
        @picocli.CommandLine.Mixin
        WaitOptions waitOptions = new WaitOptions();

        @Override
        public Integer call() throws InterruptedException {
            waitOptions.validate();
            String bundle = readBundle(path);
            JsonNode result = policyService().post("/v1/policies?namespace=" + URLEncoder.encode(namespace, StandardCharsets.UTF_8),
                    "application/yaml", bundle);
            for (JsonNode r : result.path("results")) {
                System.out.printf("%s %s/%s %s%n", r.path("kind").asText().toLowerCase(java.util.Locale.ROOT),
                        r.path("namespace").asText(), r.path("name").asText(), r.path("action").asText());
            }
            System.out.println("revision " + result.path("revision").asText());
            return waitOptions.awaitIfAsked();
        }

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
                result = policyService().delete("/v1/policies");
            } else {
                String[] parts = target.name.split("/", -1);
                if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                    throw new IllegalArgumentException("NS/NAME: expected namespace/name, got '" + target.name + "'");
                }
                result = policyService().delete("/v1/policies/" + parts[0] + "/" + parts[1]);
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
            JsonNode result = policyService().get("/v1/policies");
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
