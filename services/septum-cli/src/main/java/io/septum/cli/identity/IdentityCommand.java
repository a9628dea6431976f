package io.septum.cli.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code septum identity}: allocate, show and list security identities (identity-service). */
@Command(name = "identity", description = "Allocate, show and list security identities.",
        subcommands = {IdentityCommand.Allocate.class, IdentityCommand.Get.class, IdentityCommand.ListIdentities.class})
public final class IdentityCommand {

    @Command(name = "allocate", description = {"Print the identity number of a label set, allocating it when new.",
            "KEY=VALUE is a Kubernetes label (k8s:KEY=VALUE); SOURCE:KEY=VALUE names its source (e.g. reserved:world).",
            "Volatile labels (pod-template-hash, ...) do not count, as for a pod."})
    static final class Allocate implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "KEY=VALUE")
        List<String> labels;
        @Option(names = "--json", description = "Print the identity as JSON.")
        boolean json;

        @Override
        public Integer call() {
            JsonNode identity = new IdentityService().allocate(IdentityService.labelTexts(labels));
            if (json) {
                IdentityService.printJson(identity, System.out::println);
            } else {
                System.out.println(identity.path("id").asInt());
            }
            return 0;
        }
    }

    @Command(name = "get", description = "Show one identity: its labels, how many endpoints have it, since when it is unused.")
    static final class Get implements Callable<Integer> {
        @Parameters(paramLabel = "N", description = "The identity number.")
        int id;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            JsonNode identity = new IdentityService().identity(id);
            if (json) {
                IdentityService.printJson(identity, System.out::println);
                return 0;
            }
            System.out.printf("%-13s %d%n", "IDENTITY", identity.path("id").asInt());
            List<String> labels = texts(identity.path("labels"));
            for (int i = 0; i < labels.size(); i++) {
                System.out.printf("%-13s %s%n", i == 0 ? "LABELS" : "", labels.get(i));
            }
            System.out.printf("%-13s %s%n", "ENDPOINTS", identity.path("endpoints").asText("-"));
            System.out.printf("%-13s %s%n", "UNUSED SINCE", identity.hasNonNull("unusedSince") ? identity.get("unusedSince").asText() : "-");
            return 0;
        }
    }

    @Command(name = "list", description = {"List identities in number order, every page.",
            "--selector takes a label selector over qualified keys: k8s:app=web, k8s:app!=web, k8s:tier in (a,b),",
            "k8s:tier notin (a,b), k8s:app, !k8s:app; requirements separated by commas all hold; app=web matches any source."})
    static final class ListIdentities implements Callable<Integer> {
        @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR", description = "Only the identities the selector matches.")
        String selector;
        @Option(names = "--json", description = "Print JSON ({\"items\": [...]}).")
        boolean json;

        @Override
        public Integer call() {
            ArrayNode items = new IdentityService().identities(selector);
            if (json) {
                IdentityService.printJson(java.util.Map.of("items", items), System.out::println);
                return 0;
            }
            System.out.printf("%-9s %-9s %s%n", "IDENTITY", "ENDPOINTS", "LABELS");
            for (JsonNode identity : items) {
                System.out.printf("%-9d %-9s %s%n", identity.path("id").asInt(),
                        identity.path("endpoints").asText("-"), String.join(",", texts(identity.path("labels"))));
            }
            return 0;
        }
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(node -> out.add(node.asText()));
        return out;
    }
}
