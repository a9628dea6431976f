package io.septum.enforcer.agent.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.septum.model.api.ErrorResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The enforcer's local HTTP API on loopback: the CNI plugin (and the lab, which plays it) adds and removes
 * pods here; operators read endpoints, status, counters and Prometheus metrics. Routes are (method, path
 * pattern) pairs; handlers return a {@link Reply} or throw {@link ApiException}.
 */
public final class LocalApiServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalApiServer.class.getName());
    static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    private static final int MAX_BODY_BYTES = 1 << 20;

    /** A request as handlers see it: path parameters and the body. */
    public record Request(List<String> pathParameters, byte[] body, String query) {
        public <T> T json(Class<T> type, String operation) throws ApiException {
            try {
                return JSON.readValue(body, type);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new ApiException(400, operation + ": invalid request body: " + e.getOriginalMessage());
            } catch (IOException e) {
                throw new ApiException(400, operation + ": invalid request body: " + e.getMessage());
            }
        }

        public String queryParameter(String name) {
            if (query == null) {
                return null;
            }
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).equals(name)) {
                    return java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
            return null;
        }
    }

    /** A response: status, content type and body. */
    public record Reply(int status, String contentType, byte[] body) {
        public static Reply json(int status, Object value) {
            try {
                return new Reply(status, "application/json", JSON.writeValueAsBytes(value));
            } catch (IOException e) {
                throw new IllegalStateException("serialize response: " + e.getMessage(), e);
            }
        }

        public static Reply text(String contentType, String body) {
            return new Reply(200, contentType, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A failure with the HTTP status it maps to; the message names operation, object and cause. */
    public static final class ApiException extends Exception {
        private final int status;

        public ApiException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    @FunctionalInterface
    public interface Handler {
        Reply handle(Request request) throws ApiException;
    }

    /** Decides whether a request that changes something may run, from its Authorization header (null: none). */
    @FunctionalInterface
    public interface WriteGuard {
        void check(String operation, String authorization) throws ApiException;
    }

    private record Route(String method, Pattern path, Handler handler) {
    }

    private final List<Route> routes = new ArrayList<>();
    private WriteGuard writeGuard = (operation, authorization) -> {
    };
    private HttpServer server;

    /** Every request but GET passes {@code guard} before its handler runs (and before its body is read). */
    public LocalApiServer guardWrites(WriteGuard guard) {
        this.writeGuard = guard;
        return this;
    }

    /** {@code path} is a regex; its groups become the path parameters. */
    public LocalApiServer route(String method, String path, Handler handler) {
        routes.add(new Route(method, Pattern.compile(path), handler));
        return this;
    }

    public void start(String host, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::dispatch);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        Reply reply;
        try {
            reply = handle(exchange);
        } catch (ApiException e) {
            reply = Reply.json(e.status(), ErrorResponse.of(e.status(), e.getMessage()));
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, exchange.getRequestMethod() + " " + exchange.getRequestURI() + " failed", e);
            reply = Reply.json(500, ErrorResponse.of(500, exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath()
                    + ": internal error: " + e.getMessage()));
        }
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(reply.body());
        }
    }

    private Reply handle(HttpExchange exchange) throws ApiException, IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        boolean pathKnown = false;
        for (Route route : routes) {
            Matcher matcher = route.path().matcher(path);
            if (!matcher.matches()) {
                continue;
            }
            pathKnown = true;
            if (!route.method().equals(method)) {
                continue;
            }
            if (!"GET".equals(method)) {
                writeGuard.check(method + " " + path, exchange.getRequestHeaders().getFirst("Authorization"));
            }
            List<String> parameters = new ArrayList<>();
            for (int i = 1; i <= matcher.groupCount(); i++) {
                parameters.add(matcher.group(i));
            }
            return route.handler().handle(new Request(parameters, readBody(exchange), exchange.getRequestURI().getRawQuery()));
        }
        throw pathKnown ? new ApiException(405, method + " " + path + ": method not allowed")
                : new ApiException(404, method + " " + path + ": no such resource");
    }

    private static byte[] readBody(HttpExchange exchange) throws IOException, ApiException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new ApiException(413, "request body larger than " + MAX_BODY_BYTES + " bytes");
            }
            return body;
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
