package io.septum.cli.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.septum.cli.CliEnvironment;
import io.septum.cli.http.JsonHttp;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** identity-service as the CLI calls it (openapi/identity.yaml): the paged lists are followed to their end. */
final class IdentityService {

    /** The largest page the service gives: fewest round trips. */
    private static final int PAGE = 1000;

    private final JsonHttp http = http();

    private static JsonHttp http() {
        CliEnvironment env = CliEnvironment.fromSystem();
        return new JsonHttp("identity-service", env.identityUrl(), env.token());
    }

    JsonNode allocate(List<String> labels) {
        return http.post("/v1/identities", "application/json", JsonHttp.JSON.valueToTree(Map.of("labels", labels)).toString());
    }

    JsonNode identity(int id) {
        return http.get("/v1/identities/" + id);
    }

    /** Every identity (the selector's matches, when given), in number order. */
    ArrayNode identities(String selector) {
        return all("/v1/identities?" + (selector == null ? "" : "selector=" + encode(selector) + "&"));
    }

    /** Every endpoint (of one node, when given), by namespace and pod. */
    ArrayNode endpoints(String node) {
        return all("/v1/endpoints?" + (node == null ? "" : "node=" + encode(node) + "&"));
    }

    private ArrayNode all(String pathAndQuery) {
        ArrayNode items = JsonHttp.JSON.createArrayNode();
        String next = null;
        do {
            JsonNode page = http.get(pathAndQuery + "limit=" + PAGE + (next == null ? "" : "&continue=" + encode(next)));
            page.path("items").forEach(items::add);
            next = page.hasNonNull("continue") ? page.get("continue").asText() : null;
        } while (next != null);
        return items;
    }

    /**
     * Label arguments as the API takes them: {@code KEY=VALUE} is a Kubernetes label ({@code k8s:KEY=VALUE});
     * a text whose source is given ({@code reserved:world}, {@code k8s:app=web}) is taken as it is. Kubernetes keys
     * never contain ':', so a ':' before the first '=' names the source.
     */
    static List<String> labelTexts(List<String> arguments) {
        List<String> texts = new ArrayList<>(arguments.size());
        for (String argument : arguments) {
            int eq = argument.indexOf('=');
            int colon = argument.indexOf(':');
            boolean qualified = colon >= 0 && (eq < 0 || colon < eq);
            texts.add(qualified ? argument : "k8s:" + argument);
        }
        return texts;
    }

    static void printJson(Object value, Consumer<String> out) {
        try {
            out.accept(JsonHttp.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("print JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
