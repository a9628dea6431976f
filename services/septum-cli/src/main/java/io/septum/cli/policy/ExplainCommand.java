package io.septum.cli.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.septum.cli.http.JsonHttp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code septum policy explain}: why a connection is allowed or dropped, from policy-service's /v1/explain. */
@Command(name = "explain", description = {"Why the datapath allows or drops a connection: the verdict of egress at the source and",
        "ingress at the destination, the rule that decides each, or which policies isolate the endpoint (default deny).",
        "Exit status: 0 when the connection goes through (allowed, or audited: a would-be drop a policy in audit mode",
        "lets through), 1 when it is denied."})
final class ExplainCommand implements Callable<Integer> {

    @Option(names = "--from", required = true, paramLabel = "NS/POD", description = "The source pod.")
    String from;
    @Option(names = "--to", required = true, paramLabel = "NS/POD|ADDRESS", description = "The destination pod, or an address outside the pods.")
    String to;
    @Option(names = "--port", required = true, description = "The destination port.")
    int port;
    @Option(names = "--protocol", defaultValue = "TCP", description = "TCP, UDP or SCTP (default: ${DEFAULT-VALUE}).")
    String protocol;
    @Option(names = "--json", description = "Print the answer as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        JsonNode answer = PolicyService.explain(from, to, port, protocol.toUpperCase(Locale.ROOT));
        if (json) {
            System.out.println(JsonHttp.JSON.writeValueAsString(answer));
        } else {
            print(answer, System.out);
        }
        return "denied".equals(answer.path("verdict").asText()) ? 1 : 0;
    }

    static void print(JsonNode answer, PrintStream out) {
        out.printf("%s -> %s %s/%s: %s%n", end(answer.path("from")), end(answer.path("to")), answer.path("port").asText(),
                answer.path("protocol").asText(), answer.path("verdict").asText().toUpperCase(Locale.ROOT));
        direction(out, "egress ", "at " + name(answer.path("from")), answer.path("egress"));
        direction(out, "ingress", "at " + name(answer.path("to")), answer.path("ingress"));
    }

    private static void direction(PrintStream out, String label, String where, JsonNode verdict) {
        if (!verdict.path("enforced").asBoolean()) {
            out.printf("  %s not enforced (the destination is no pod)%n", label);
            return;
        }
        String reason = verdict.path("reason").asText();
        String detail = switch (reason) {
            case "allowed by rule", "denied by deny rule" -> ": " + verdict.path("rule").asText();
            case "default deny" -> ": isolated by " + join(verdict.path("isolatedBy")) + ", and no rule of theirs allows it";
            default -> " (no policy selecting it isolates " + label.strip() + ")";
        };
        out.printf("  %s %s: %s, %s%s%n", label, where, verdict.path("verdict").asText(), reason, detail);
        if (verdict.path("matchingRules").size() > 1 || ("default deny".equals(reason) && !verdict.path("matchingRules").isEmpty())) {
            for (JsonNode rule : verdict.path("matchingRules")) {
                out.printf("      matching: %s (%s)%n", rule.path("ref").asText(), rule.path("action").asText());
            }
        }
    }

    private static String end(JsonNode end) {
        return name(end) + " (" + (end.path("pod").asText().isEmpty() ? "" : end.path("address").asText() + ", ")
                + "identity " + end.path("identity").asText() + ")";
    }

    private static String name(JsonNode end) {
        return end.path("pod").asText().isEmpty() ? end.path("address").asText() : end.path("namespace").asText() + "/" + end.path("pod").asText();
    }

    private static String join(JsonNode strings) {
        StringBuilder out = new StringBuilder();
        strings.forEach(s -> out.append(out.isEmpty() ? "" : ", ").append(s.asText()));
        return out.toString();
    }
}
