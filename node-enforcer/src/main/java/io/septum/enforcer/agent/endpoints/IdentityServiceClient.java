package io.septum.enforcer.agent.endpoints;

import io.septum.enforcer.agent.auth.BearerToken;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.septum.model.api.ErrorResponse;
import io.septum.model.kv.NamedPort;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The calls an enforcer makes to identity-service (openapi/identity.yaml): register, update and remove its pods. */
public final class IdentityServiceClient {

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Identity(int id, List<String> labels) {
    }

    record EndpointRequest(String node, String ip, Map<String, String> labels, List<NamedPort> namedPorts) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RegisteredEndpoint(String namespace, String pod, String node, String ip, Identity identity) {
    }

    /** identity-service refused or failed; {@code status} is the HTTP status (0 when it could not be reached). */
    public static final class IdentityServiceException extends Exception {
        private final int status;

        IdentityServiceException(int status, String message, Throwable cause) {
            super(message, cause);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final URI base;
    private final BearerToken token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public IdentityServiceClient(URI base, BearerToken token) {
        this.base = base;
        this.token = token;
    }

    public RegisteredEndpoint putEndpoint(String node, LocalEndpoint endpoint) throws IdentityServiceException {
        String operation = "register endpoint " + endpoint.key() + " with identity-service";
        try {
            byte[] body = JSON.writeValueAsBytes(new EndpointRequest(node, endpoint.ip(), endpoint.labels(), endpoint.namedPorts()));
            HttpRequest request = token.authorize(HttpRequest.newBuilder(endpointUri(endpoint.namespace(), endpoint.pod())))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            HttpResponse<byte[]> response = send(request, operation);
            return JSON.readValue(response.body(), RegisteredEndpoint.class);
        } catch (IOException e) {
            throw new IdentityServiceException(0, operation + ": " + e.getMessage(), e);
        }
    }

    public void deleteEndpoint(String namespace, String pod) throws IdentityServiceException {
        String operation = "remove endpoint " + namespace + "/" + pod + " from identity-service";
        try {
            HttpRequest request = token.authorize(HttpRequest.newBuilder(endpointUri(namespace, pod))).timeout(Duration.ofSeconds(30)).DELETE().build();
            send(request, operation);
        } catch (IdentityServiceException e) {
            if (e.status() != 404) {
                throw e;
            }
        } catch (IOException e) {
            throw new IdentityServiceException(0, operation + ": " + e.getMessage(), e);
        }
    }

    private HttpResponse<byte[]> send(HttpRequest request, String operation) throws IdentityServiceException {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IdentityServiceException(0, operation + ": identity-service at " + base + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IdentityServiceException(0, operation + ": interrupted", e);
        }
        if (response.statusCode() >= 300) {
            String detail;
            try {
                detail = JSON.readValue(response.body(), ErrorResponse.class).message();
            } catch (IOException e) {
                detail = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
            }
            throw new IdentityServiceException(response.statusCode(), operation + ": HTTP " + response.statusCode() + ": " + detail, null);
        }
        return response;
    }

    private URI endpointUri(String namespace, String pod) {
        return base.resolve("/v1/endpoints/" + namespace + "/" + pod);
    }
}
