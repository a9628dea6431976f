package io.septum.identity.testing;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** The service's REST calls, as tests make them. */
public final class Api {

    private Api() {
    }

    public static ValidatableResponse allocate(String... labels) {
        return given().contentType(ContentType.JSON).body(Map.of("labels", List.of(labels)))
                .post("/v1/identities").then();
    }

    public static ValidatableResponse putNamespace(String name, Map<String, String> labels) {
        return given().contentType(ContentType.JSON).body(Map.of("labels", labels))
                .put("/v1/namespaces/{name}", name).then();
    }

    public static ValidatableResponse putEndpoint(String namespace, String pod, String node, String ip, Map<String, String> labels) {
        return putEndpoint(namespace, pod, Map.of("node", node, "ip", ip, "labels", labels));
    }

    public static ValidatableResponse putEndpoint(String namespace, String pod, Object body) {
        return given().contentType(ContentType.JSON).body(body)
                .put("/v1/endpoints/{namespace}/{pod}", namespace, pod).then();
    }

    public static ValidatableResponse getEndpoint(String namespace, String pod) {
        return given().get("/v1/endpoints/{namespace}/{pod}", namespace, pod).then();
    }

    /** Renews a node's lease listing its endpoints ("namespace/pod"), or without a list when null. */
    public static ValidatableResponse renewLease(String node, List<String> endpoints) {
        return given().contentType(ContentType.JSON).body(endpoints == null ? Map.of() : Map.of("endpoints", endpoints))
                .put("/v1/nodes/{node}/lease", node).then();
    }

    public static ValidatableResponse deleteEndpoint(String namespace, String pod) {
        return given().delete("/v1/endpoints/{namespace}/{pod}", namespace, pod).then();
    }
}
