package io.septum.flows;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP logs receiver speaking the real protocol ({@code POST /v1/logs}, an ExportLogsServiceRequest in
 * protobuf, answered with an ExportLogsServiceResponse), started before the service so that its address can be
 * the service's {@code septum.flows.otlp-endpoint}. Keeps every log record with the resource it came with.
 */
public class OtlpReceiver implements QuarkusTestResourceLifecycleManager {

    public record Received(ResourceLogs resource, LogRecord record) {
    }

    private static final List<Received> RECEIVED = new ArrayList<>();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("start the OTLP receiver: " + e.getMessage(), e);
        }
        server.createContext("/v1/logs", OtlpReceiver::receive);
        server.start();
        return Map.of("septum.flows.otlp-endpoint", "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/logs");
    }

    private static void receive(HttpExchange exchange) throws IOException {
        try (exchange) {
            InputStream body = exchange.getRequestBody();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new GZIPInputStream(body);
            }
            if (!"POST".equals(exchange.getRequestMethod())
                    || !"application/x-protobuf".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
                exchange.sendResponseHeaders(415, -1);
                return;
            }
            ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(body);
            synchronized (RECEIVED) {
                for (ResourceLogs resource : request.getResourceLogsList()) {
                    for (ScopeLogs scope : resource.getScopeLogsList()) {
                        scope.getLogRecordsList().forEach(r -> RECEIVED.add(new Received(resource, r)));
                    }
                }
            }
            byte[] answer = ExportLogsServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    public static List<Received> received() {
        synchronized (RECEIVED) {
            return List.copyOf(RECEIVED);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
