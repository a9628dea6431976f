package io.septum.policy;

import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Policy documents for the tests, and requests that send them. */
public final class Policies {

    private static final RestAssuredConfig YAML_AS_TEXT = RestAssuredConfig.config()
            .encoderConfig(EncoderConfig.encoderConfig().encodeContentTypeAs("application/yaml", ContentType.TEXT));

    private Policies() {
    }

    /** A valid NetworkPolicy letting app=frontend reach app=backend on TCP {@code port}. */
    public static String yaml(String namespace, String name, int port) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  podSelector:
                    matchLabels:
                      app: backend
                  ingress:
                  - from:
                    - podSelector:
                        matchLabels:
                          app: frontend
                    ports:
                    - protocol: TCP
                      port: %d
                """.formatted(name, namespace, port);
    }

    /** The same policy as JSON, without a namespace (the query parameter or "default" applies). */
    public static String json(String name, int port) {
        return """
                {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                 "metadata": {"name": "%s"},
                 "spec": {"podSelector": {"matchLabels": {"app": "backend"}},
                          "ingress": [{"ports": [{"protocol": "TCP", "port": %d}]}]}}
                """.formatted(name, port);
    }

    /** A request with a YAML body (rest-assured does not know how to encode application/yaml by itself). */
    public static RequestSpecification givenYaml() {
        return RestAssured.given().config(YAML_AS_TEXT).contentType("application/yaml");
    }

    public static String documents(String... yamls) {
        return String.join("---\n", yamls);
    }
}
