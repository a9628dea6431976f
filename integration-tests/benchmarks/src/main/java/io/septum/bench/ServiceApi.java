package io.septum.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.septum.auth.token.LocalAuth;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A service's REST API as the benchmarks call it: the installation's admin token (the CLI's), JSON answers, 200 or fail. */
public final class ServiceApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String bearer = "Bearer " + LocalAuth.in(Repo.runDirectory()).cliToken();

    public ServiceApi(URI base) {
        this.base = base;
    }

    /** {@code method path}, with a YAML body unless null; the answer's JSON, or an IOException naming the call and the answer. */
    public JsonNode send(String method, String path, String yaml) throws IOException, InterruptedException {
        return send(method, path, "application/yaml", yaml);
    }

    /** {@code method path} with {@code body} (JSON) as JSON. */
    public JsonNode sendJson(String method, String path, Object body) throws IOException, InterruptedException {
        return send(method, path, "application/json", JSON.writeValueAsString(body));
    }

    private JsonNode send(String method, String path, String contentType, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(10)).header("Authorization", bearer);
        if (body != null) {
            request.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(method + " " + path + ": HTTP " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
