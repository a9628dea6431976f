package io.septum.enforcer.agent.leases;

import io.septum.enforcer.agent.auth.BearerToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The renewer against an HTTP server that answers as identity-service's lease call does (openapi/identity.yaml,
 * renewNodeLease) — or fails, as a service out of reach would. The service itself is tested in identity-service.
 */
class LeaseRenewerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private final List<JsonNode> renewals = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String answer;

    /** The node's endpoints as a list, and what was registered again. */
    private final List<String> local = new ArrayList<>(List.of("shop/web-1", "shop/db-0"));
    private final List<String> registeredAgain = new ArrayList<>();
    private final NodeEndpoints endpoints = new NodeEndpoints() {
        @Override
        public List<String> keys() {
            return List.copyOf(local);
        }

        @Override
        public void registerAgain(String key) {
            registeredAgain.add(key);
        }
    };

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/nodes/node-0/lease", exchange -> {
            renewals.add(JSON.readTree(exchange.getRequestBody()));
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private LeaseRenewer renewer() {
        return new LeaseRenewer("node-0", new LeaseClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), BearerToken.none()), endpoints);
    }

    @Test
    void renewsListingEveryEndpointAndRegistersAgainWhatTheServiceLost() throws Exception {
        answer = """
                {"node":"node-0","renewedAt":"2026-01-01T00:00:00Z","expiresAt":"2026-01-01T00:00:30Z","leaseSeconds":30.0,
                 "endpoints":1,"unknownEndpoints":["shop/db-0"],"removedEndpoints":["shop/gone-1"]}""";
        LeaseRenewer renewer = renewer();

        renewer.renew();

        assertThat(renewals).hasSize(1);
        assertThat(renewals.getFirst().get("endpoints")).extracting(JsonNode::asText).containsExactly("shop/web-1", "shop/db-0");
        assertThat(registeredAgain).containsExactly("shop/db-0");
        assertThat(renewer.interval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aRefusalNamesTheNodeAndTheServicesMessage() {
        status = 503;
        answer = "{\"status\":503,\"message\":\"renew lease of node node-0: PostgreSQL unavailable\",\"errors\":[]}";

        assertThatThrownBy(() -> renewer().renew())
                .hasMessageContaining("renew the lease of node node-0")
                .hasMessageContaining("HTTP 503: renew lease of node node-0: PostgreSQL unavailable");
        assertThat(registeredAgain).isEmpty();
    }

    @Test
    void anUnreachableServiceIsReportedAsSuch() {
        server.stop(0);
        assertThatThrownBy(() -> renewer().renew()).hasMessageContaining("unreachable");
    }
}
