package io.septum.cli.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A small JSON-over-HTTP client for the Septum services and enforcers. Non-2xx answers become a
 * {@link ServiceException} carrying the service's own error message (its ErrorResponse), so the CLI
 * prints what the service said rather than a status code.
 */
public final class JsonHttp {

    public static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final String serviceName;
    private final URI base;

    public JsonHttp(String serviceName, URI base) {
        this.serviceName = serviceName;
        this.base = base;
    }

    /** A refusal or failure of a service, with the HTTP status (0 when unreachable) and its message. */
    public static final class ServiceException extends RuntimeException {
        private final int status;

        public ServiceException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), "GET " + path);
    }

    public JsonNode delete(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE(), "DELETE " + path);
    }

    public JsonNode put(String path, Object body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes(body))), "PUT " + path);
    }

    public JsonNode post(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)), "POST " + path);
    }

    private JsonNode send(HttpRequest.Builder request, String what) {
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.timeout(Duration.ofSeconds(60)).header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new ServiceException(0, serviceName + " is not reachable at " + base + " (is it running? 'make up' starts it)");
        } catch (IOException e) {
            throw new ServiceException(0, what + " on " + serviceName + " at " + base + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException(0, what + ": interrupted");
        }
        JsonNode body = null;
        if (response.body().length > 0) {
            try {
                body = JSON.readTree(response.body());
            } catch (IOException e) {
                body = JSON.getNodeFactory().textNode(new String(response.body(), StandardCharsets.UTF_8));
            }
        }
        if (response.statusCode() >= 300) {
            String message = body != null && body.hasNonNull("message") ? body.get("message").asText()
                    : body != null ? body.asText() : "HTTP " + response.statusCode();
            if (body != null && body.path("errors").isArray() && !body.get("errors").isEmpty()
                    && !message.contains(body.get("errors").get(0).path("message").asText("\u0000"))) {
                StringBuilder all = new StringBuilder(message);
                body.get("errors").forEach(e -> all.append("\n  ").append(e.path("path").asText()).append(": ").append(e.path("message").asText()));
                message = all.toString();
            }
            throw new ServiceException(response.statusCode(), serviceName + ": " + message);
        }
        return body == null ? JSON.nullNode() : body;
    }

    private static byte[] bytes(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("serialize request: " + e.getMessage(), e);
        }
    }
}
