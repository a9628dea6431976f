package io.septum.policy;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy through the REST API: stored as written, or rejected whole. */
@QuarkusTest
class CiliumPolicyApplyTest {

    private static final String CNP = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: web, namespace: shop}
            spec:
              endpointSelector: {matchLabels: {app: web}}
              ingress:
                - fromEntities: [world]
                  toPorts: [{ports: [{port: "443", protocol: TCP}], rules: {http: [{method: GET}]}}]
            ---
            apiVersion: cilium.io/v2
            kind: CiliumClusterwideNetworkPolicy
            metadata: {name: no-ssh}
            spec:
              endpointSelector: {}
              ingressDeny: [{toPorts: [{ports: [{port: "22", protocol: TCP}]}]}]
            """;

    @BeforeEach
    void clean() {
        given().delete("/v1/policies").then().statusCode(200);
    }

    @Test
    void bothKindsAreStoredAsWrittenWithL7FieldsKept() {
        PolicyApplyTest.apply(PolicyApplyTest.YAML, CNP).statusCode(200)
                .body("results.kind", contains("CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"))
                .body("results.namespace", contains("shop", ""));
        given().get("/v1/policies/shop/web").then().statusCode(200)
                .body("document.spec.ingress[0].toPorts[0].rules.http[0].method", equalTo("GET"));
    }

    @Test
    void aRejectedCiliumPolicyNamesItsFieldsAndStoresNothing() {
        String bad = CNP.replace("fromEntities: [world]", "fromEntities: [world]\n      fromCIDR: [10.0.0.0/8]")
                .replace("port: \"22\"", "port: \"22\", endPort: 21");
        PolicyApplyTest.apply(PolicyApplyTest.YAML, bad).statusCode(400)
                .body("errors.path", hasItem("spec.ingress[0]"))
                .body("errors.path", hasItem("spec.ingressDeny[0].toPorts[0].ports[0].endPort"))
                .body("errors.document", hasItem(1));
        given().get("/v1/policies").then().body("items", org.hamcrest.Matchers.empty());
    }
}
