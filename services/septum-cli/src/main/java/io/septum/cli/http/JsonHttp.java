package io.septum.cli.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A small JSON-over-HTTP client for the Septum services and enforcers. Non-2xx answers become a
 * {@link ServiceException} carrying the service's own error message (its ErrorResponse), so the CLI
 * prints what the service said rather than a status code.
 */
public final class JsonHttp {

    public static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .registerModule(new JavaTimeModule())
            .configure(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false);

    private static final int CONNECT_TIMEOUT_MILLIS = 3_000;
    private static final int READ_TIMEOUT_MILLIS = 60_000;

    private final String serviceName;
    private final URI base;
    private final String unreachableHint;
    private final Optional<String> bearerToken;

    /** A control-plane service, called with {@code bearerToken} (see {@code CliEnvironment#token}). */
    public JsonHttp(String serviceName, URI base, Optional<String> bearerToken) {
        this(serviceName, base, "is it running? 'make up' starts it", bearerToken);
    }

    /** {@code unreachableHint} says what to check when nothing answers at {@code base}. */
    public JsonHttp(String serviceName, URI base, String unreachableHint, Optional<String> bearerToken) {
        this.serviceName = serviceName;
        this.base = base;
        this.unreachableHint = unreachableHint;
        this.bearerToken = bearerToken;
    }

    /** A node's enforcer API in the lab; {@code bearerToken} authorizes endpoint changes (septum-admin). */
    public static JsonHttp enforcer(String node, String apiUrl, Optional<String> bearerToken) {
        return new JsonHttp("enforcer of " + node, URI.create(apiUrl), "is it running? see './septum lab status'", bearerToken);
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
        return send("GET", path, null, null);
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, null, null);
    }

    public JsonNode put(String path, Object body) {
        return send("PUT", path, "application/json", bytes(body));
    }

    public JsonNode post(String path, String contentType, String body) {
        return send("POST", path, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** One request of a generated client: the answer read as {@code type} (a model generated from the contract). */
    public <T> T send(String method, String path, String contentType, String body, Class<T> type) {
        JsonNode answer = send(method, path, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        try {
            return JSON.treeToValue(answer, type);
        } catch (IOException e) {
            throw new ServiceException(0, method + " " + path + " on " + serviceName + ": unexpected answer: " + e.getMessage());
        }
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Puts {@code value}, encoded, in place of {@code {name}} in a path template. */
    public static void replacePathParameter(StringBuilder path, String name, Object value) {
        String placeholder = "{" + name + "}";
        int at = path.indexOf(placeholder);
        path.replace(at, at + placeholder.length(), encode(String.valueOf(value)).replace("+", "%20"));
    }

    /**
     * One request on {@link HttpURLConnection}: java.net.http.HttpClient costs more than half a second of
     * start-up (selector thread, executor, many classes) for a command that sends one or two requests.
     */
    private JsonNode send(String method, String path, String contentType, byte[] requestBody) {
        String what = method + " " + path;
        int status;
        byte[] responseBody;
        try {
            HttpURLConnection connection = (HttpURLConnection) base.resolve(path).toURL().openConnection();
            connection.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
            connection.setReadTimeout(READ_TIMEOUT_MILLIS);
            connection.setRequestMethod(method);
            connection.setRequestProperty("Accept", "application/json");
            bearerToken.ifPresent(token -> connection.setRequestProperty("Authorization", "Bearer " + token));
            if (requestBody != null) {
                connection.setRequestProperty("Content-Type", contentType);
                connection.setDoOutput(true);
                connection.setFixedLengthStreamingMode(requestBody.length);
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(requestBody);
                }
            }
            status = connection.getResponseCode();
            try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                responseBody = in == null ? new byte[0] : in.readAllBytes();
            }
        } catch (ConnectException e) {
            throw new ServiceException(0, serviceName + " is not reachable at " + base + " (" + unreachableHint + ")");
        } catch (IOException e) {
            throw new ServiceException(0, what + " on " + serviceName + " at " + base + " failed: " + e);
        }
        JsonNode body = null;
        if (responseBody.length > 0) {
            try {
                body = JSON.readTree(responseBody);
            } catch (IOException e) {
                body = JSON.getNodeFactory().textNode(new String(responseBody, StandardCharsets.UTF_8));
            }
        }
        if (status >= 300) {
            String message = body != null && body.hasNonNull("message") ? body.get("message").asText()
                    : body != null ? body.asText() : "HTTP " + status;
            if (body != null && body.path("errors").isArray() && !body.get("errors").isEmpty()
                    && !message.contains(body.get("errors").get(0).path("message").asText("\u0000"))) {
                StringBuilder all = new StringBuilder(message);
                body.get("errors").forEach(e -> all.append("\n  ").append(e.path("path").asText()).append(": ").append(e.path("message").asText()));
                message = all.toString();
            }
            if (status == 401 && bearerToken.isEmpty()) {
                message += " (no token found: set SEPTUM_TOKEN or SEPTUM_TOKEN_FILE, or run as the user that owns $SEPTUM_RUN/auth)";
            }
            throw new ServiceException(status, serviceName + ": " + message);
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
