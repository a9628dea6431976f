package io.septum.it.cilium;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.septum.it.ControlPlane;
import io.septum.it.SeptumCommand;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Single probes through {@code ./septum lab probe} against expectations, and the flows they leave in flow-service. */
final class LabProbes {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private LabProbes() {
    }

    /** One connection attempt: {@code from} and {@code to} as {@code lab probe} takes them (pods, externals, node/N). */
    record Probe(String from, String to, int port, String protocol) {
        static Probe tcp(String from, String to, int port) {
            return new Probe(from, to, port, "TCP");
        }

        @Override
        public String toString() {
            return from + " -> " + to + " " + port + "/" + protocol;
        }
    }

    static Map<Probe, Boolean> cases(Object... pairs) {
        Map<Probe, Boolean> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((Probe) pairs[i], (Boolean) pairs[i + 1]);
        }
        return out;
    }

    /** Probes every case in parallel and fails listing each one that differs from its expectation. */
    static void expect(Map<Probe, Boolean> expected) throws Exception {
        Map<Probe, Future<Boolean>> runs = new LinkedHashMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
            for (Probe probe : expected.keySet()) {
                runs.put(probe, pool.submit(() -> {
                    SeptumCommand.Result r = SeptumCommand.runQuietly("lab", "probe", "--from", probe.from(), "--to", probe.to(),
                            "--port", Integer.toString(probe.port()), "--protocol", probe.protocol(), "--timeout-ms", "1000", "--json");
                    if (r.exitCode() > 1) {
                        throw new AssertionError("lab probe " + probe + " failed: " + r.output());
                    }
                    return r.exitCode() == 0;
                }));
            }
            List<String> wrong = new ArrayList<>();
            for (var run : runs.entrySet()) {
                boolean reachable = run.getValue().get();
                if (reachable != expected.get(run.getKey())) {
                    wrong.add(run.getKey() + ": expected " + (expected.get(run.getKey()) ? "reachable" : "blocked")
                            + ", was " + (reachable ? "reachable" : "blocked"));
                }
            }
            if (!wrong.isEmpty()) {
                assertThat(wrong).as("probes that differ from the expectation (the latest drops:\n%s\n)", latestDrops()).isEmpty();
            }
        }
    }

    /** The summaries of the latest dropped flows: what a failed expectation is read against. */
    private static String latestDrops() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(ControlPlane.flowsUrl() + "/v1/flows?verdict=DROPPED"))
                .header("Authorization", ControlPlane.bearer()).build(), HttpResponse.BodyHandlers.ofString());
        List<String> summaries = new ArrayList<>();
        JSON.readTree(response.body()).path("items").forEach(flow -> summaries.add(flow.path("summary").asText()));
        return String.join("\n", summaries.subList(Math.max(0, summaries.size() - 20), summaries.size()));
    }

    /** The latest flow of {@code direction} matching {@code query}; flows reach flow-service within a few seconds. */
    static JsonNode awaitFlow(String query, String direction) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(ControlPlane.flowsUrl() + "/v1/flows?" + query))
                    .header("Authorization", ControlPlane.bearer()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("GET /v1/flows?" + query + ": " + response.body()).isEqualTo(200);
            JsonNode found = null;
            for (JsonNode flow : JSON.readTree(response.body()).path("items")) {
                if (flow.path("direction").asText().equals(direction)) {
                    found = flow;
                }
            }
            if (found != null) {
                return found;
            }
            assertThat(System.nanoTime()).as("a " + direction + " flow matching " + query + " within 10 s").isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
