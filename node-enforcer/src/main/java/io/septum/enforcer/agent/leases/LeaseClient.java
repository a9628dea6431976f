package io.septum.enforcer.agent.leases;

import io.septum.enforcer.agent.auth.BearerToken;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.septum.model.api.ErrorResponse;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The lease call of identity-service (openapi/identity.yaml, renewNodeLease). */
public final class LeaseClient {

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The answer to a renewal: how long the lease lasts, and how the node's list compared with the service's. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record NodeLease(String node, double leaseSeconds, int endpoints, List<String> unknownEndpoints,
                            List<String> removedEndpoints) {
        public NodeLease {
            unknownEndpoints = unknownEndpoints == null ? List.of() : List.copyOf(unknownEndpoints);
            removedEndpoints = removedEndpoints == null ? List.of() : List.copyOf(removedEndpoints);
        }
    }

    private final URI base;
    private final BearerToken token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public LeaseClient(URI base, BearerToken token) {
        this.base = base;
        this.token = token;
    }

    /** Renews the node's lease, listing every endpoint it enforces; fails with an IOException naming the cause. */
    public NodeLease renew(String node, List<String> endpoints) throws IOException, InterruptedException {
        String operation = "renew the lease of node " + node + " with identity-service at " + base;
        HttpRequest request = token.authorize(HttpRequest.newBuilder(base.resolve("/v1/nodes/" + node + "/lease")))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(Map.of("endpoints", endpoints))))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IOException(operation + ": unreachable: " + e, e);
        }
        if (response.statusCode() != 200) {
            String detail;
            try {
                detail = JSON.readValue(response.body(), ErrorResponse.class).message();
            } catch (IOException e) {
                detail = new String(response.body(), StandardCharsets.UTF_8);
            }
            throw new IOException(operation + ": HTTP " + response.statusCode() + ": " + detail);
        }
        return JSON.readValue(response.body(), NodeLease.class);
    }
}
