package io.septum.it.tracing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A Zipkin collector endpoint as the exporters speak to it: {@code POST /api/v2/spans} with a JSON array of
 * Zipkin v2 spans (gzip when the sender compresses), answered 202. Keeps every span it was sent.
 */
final class ZipkinReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<JsonNode> spans = new ArrayList<>();

    ZipkinReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v2/spans", this::receive);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v2/spans";
    }

    private void receive(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            InputStream body = exchange.getRequestBody();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new GZIPInputStream(body);
            }
            JsonNode array = JSON.readTree(body);
            synchronized (spans) {
                array.forEach(spans::add);
            }
            exchange.sendResponseHeaders(202, -1);
        }
    }

    /** Every span received so far in trace {@code traceId}. */
    List<JsonNode> trace(String traceId) {
        synchronized (spans) {
            return spans.stream().filter(s -> traceId.equals(s.path("traceId").asText())).toList();
        }
    }

    /** Every span received so far. */
    List<JsonNode> spans() {
        synchronized (spans) {
            return List.copyOf(spans);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
