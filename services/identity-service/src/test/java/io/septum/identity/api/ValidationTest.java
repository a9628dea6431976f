package io.septum.identity.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.septum.identity.testing.ServiceTest;
import io.septum.model.kv.Buckets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static io.septum.identity.testing.Api.putNamespace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

/** Bad input is refused with 400, names the field, and stores nothing: not in PostgreSQL, not in the buckets. */
@QuarkusTest
class ValidationTest extends ServiceTest {

    @BeforeEach
    void setUp() {
        putNamespace("shop", Map.of("team", "blue")).statusCode(200);
    }

    static Stream<Arguments> badRequests() {
        String endpoint = "/v1/endpoints/shop/web-1";
        return Stream.of(
                // method, path, body, field path, message (prefix)
                Arguments.of("POST", "/v1/identities", "{\"labels\":[]}", "labels", "must list at least one label"),
                Arguments.of("POST", "/v1/identities", "{\"labels\":[\"k8s:app=web!\"]}", "labels[0]", "value 'web!' is invalid"),
                Arguments.of("POST", "/v1/identities", "{\"labels\":[\"k8s:app=a\",\"Bad:x\"]}", "labels[1]", "source 'Bad' is invalid"),
                Arguments.of("POST", "/v1/identities", "{\"labels\":[\"k8s:a=1\",\"k8s:a=2\"]}", "labels[1]", "label k8s:a is given twice"),
                Arguments.of("POST", "/v1/identities", "{\"labels\":[\"reserved:host\",\"k8s:app=x\"]}", "labels[0]",
                        "'reserved:host' identifies a reserved identity alone"),
                Arguments.of("POST", "/v1/identities", "{\"labels\":[\"reserved:nope\"]}", "labels[0]", "'reserved:nope' is not a reserved identity"),
                Arguments.of("POST", "/v1/identities", "{\"labels\":[\"k8s:pod-template-hash=1\"]}", "labels", "no identity-relevant label left"),
                Arguments.of("POST", "/v1/identities", "{\"labels\":\"k8s:app=x\"}", "labels", "must be a list"),
                Arguments.of("POST", "/v1/identities", "{\"labels\":[5]}", "labels[0]", "must be a string"),
                Arguments.of("POST", "/v1/identities", "{\"labelz\":[\"k8s:app=x\"]}", "labelz", "unknown field (known: labels)"),
                Arguments.of("POST", "/v1/identities", "{\"labels\":[", "labels[0]", "the body is not valid JSON"),
                Arguments.of("PUT", "/v1/namespaces/Shop", "{}", "name", "'Shop' is not a DNS label"),
                Arguments.of("PUT", "/v1/namespaces/shop", "{\"labels\":{\"team\":\"red!\"}}", "labels.team", "value 'red!' is invalid"),
                Arguments.of("PUT", "/v1/namespaces/shop", "{\"labels\":{\"team\":5}}", "labels.team", "must be a string"),
                Arguments.of("PUT", "/v1/namespaces/shop", "{\"labels\":{\"kubernetes.io/metadata.name\":\"x\"}}",
                        "labels.kubernetes.io/metadata.name", "must be the namespace's name 'shop', not 'x'"),
                Arguments.of("PUT", endpoint, "{\"node\":\"node-0\",\"ip\":\"10.0.0.300\"}", "ip", "'10.0.0.300' is not an IPv4 address"),
                Arguments.of("PUT", endpoint, "{\"node\":\"node-0\",\"ip\":\"10.0.0.01\"}", "ip", "'10.0.0.01' is not an IPv4 address"),
                Arguments.of("PUT", endpoint, "{\"ip\":\"10.0.0.1\"}", "node", "is required"),
                Arguments.of("PUT", endpoint, "{\"node\":\"Node_0\",\"ip\":\"10.0.0.1\"}", "node", "'Node_0' is not a DNS subdomain"),
                Arguments.of("PUT", endpoint, "{\"node\":\"n\",\"ip\":\"10.0.0.1\",\"labels\":{\"app\":\"x y\"}}", "labels.app", "value 'x y' is invalid"),
                Arguments.of("PUT", endpoint, "{\"node\":\"n\",\"ip\":\"10.0.0.1\",\"labels\":{\"-app\":\"x\"}}", "labels.-app", "key '-app' is invalid"),
                Arguments.of("PUT", endpoint, "{\"node\":\"n\",\"ip\":\"10.0.0.1\",\"namedPorts\":[{\"name\":\"http\",\"port\":70000}]}",
                        "namedPorts[0].port", "must be between 1 and 65535, got 70000"),
                Arguments.of("PUT", endpoint, "{\"node\":\"n\",\"ip\":\"10.0.0.1\",\"namedPorts\":[{\"name\":\"http\",\"port\":\"80\"}]}",
                        "namedPorts[0].port", "must be an integer"),
                Arguments.of("PUT", endpoint, "{\"node\":\"n\",\"ip\":\"10.0.0.1\",\"namedPorts\":[{\"name\":\"http\",\"port\":80,\"protocol\":\"tcp\"}]}",
                        "namedPorts[0].protocol", "'tcp' is not one of TCP, UDP, SCTP"),
                Arguments.of("PUT", endpoint, "{\"node\":\"n\",\"ip\":\"10.0.0.1\",\"namedPorts\":[{\"name\":\"http\",\"port\":80},{\"name\":\"http\",\"port\":81}]}",
                        "namedPorts[1].name", "'http' is used by an earlier named port"),
                Arguments.of("PUT", endpoint, "{\"node\":\"n\",\"ip\":\"10.0.0.1\",\"namedPorts\":[{\"name\":\"http-web-server-1\",\"port\":80}]}",
                        "namedPorts[0].name", "'http-web-server-1' is not a port name"),
                Arguments.of("PUT", "/v1/endpoints/shop/Web_1", "{\"node\":\"n\",\"ip\":\"10.0.0.1\"}", "pod", "'Web_1' is not a DNS subdomain"),
                Arguments.of("GET", "/v1/identities?limit=0", null, "limit", "'0' must be an integer between 1 and 1000"),
                Arguments.of("GET", "/v1/identities?continue=x", null, "continue", "'x' must be an integer"),
                Arguments.of("GET", "/v1/identities?selector=k8s:app in ()", null, "selector", "'k8s:app in ()': the value list is empty"),
                Arguments.of("GET", "/v1/identities/lookup?labels=k8s:app=web,Bad:x", null, "labels[1]", "source 'Bad' is invalid"),
                Arguments.of("GET", "/v1/identities/lookup", null, "labels", "must list at least one label"),
                Arguments.of("GET", "/v1/endpoints?limit=1001", null, "limit", "'1001' must be an integer between 1 and 1000"),
                Arguments.of("GET", "/v1/endpoints?continue=nope", null, "continue", "'nope' is not a continue token"),
                Arguments.of("PUT", "/v1/nodes/Node_0/lease", "{}", "node", "'Node_0' is not a DNS subdomain"),
                Arguments.of("PUT", "/v1/nodes/node-0/lease", "{\"endpoints\":[\"shop/web-1\",\"web-2\"]}", "endpoints[1]",
                        "'web-2' is not namespace/pod"),
                Arguments.of("PUT", "/v1/nodes/node-0/lease", "{\"endpoints\":\"shop/web-1\"}", "endpoints", "must be a list"));
    }

    @ParameterizedTest(name = "{0} {1} {2} → {3}")
    @MethodSource("badRequests")
    void badInputNamesTheFieldAndStoresNothing(String method, String path, String body, String field, String message) {
        var request = given().contentType(ContentType.JSON);
        if (body != null) {
            request.body(body);
        }
        request.request(method, path).then().statusCode(400)
                .body("status", equalTo(400))
                .body("errors.path", hasItem(field))
                .body("errors.find { it.path == '" + field + "' }.message", startsWith(message));

        assertThat(state.count("select count(*) from endpoint")).isZero();
        assertThat(state.count("select count(*) from identity where id >= 256")).isZero();
        assertThat(state.count("select count(*) from namespace")).isEqualTo(1);
        given().get("/v1/namespaces/shop").then().body("labels.team", equalTo("blue"));
        assertThat(kv.keys(Buckets.IPCACHE)).isEmpty();
        assertThat(kv.keys(Buckets.IDENTITIES)).containsExactlyInAnyOrder("1", "2", "3", "4", "5", "6", "7", "8");
    }

    @Test
    void theMessageNamesTheOperationTheObjectAndTheCause() {
        given().contentType(ContentType.JSON).body("{\"node\":\"node-0\",\"ip\":\"10.0.0.300\"}")
                .put("/v1/endpoints/shop/web-1").then().statusCode(400)
                .body("message", equalTo("put endpoint shop/web-1: ip: '10.0.0.300' is not an IPv4 address"));
        given().contentType(ContentType.JSON).body("{\"labels\":{\"app\":\"web!\"},\"node\":\"n\",\"ip\":\"10.0.0.1\"}")
                .put("/v1/endpoints/shop/web-1").then().statusCode(400)
                .body("message", startsWith("put endpoint shop/web-1: labels.app: value 'web!' is invalid"));
    }

    @Test
    void everyErrorHasTheErrorBody() {
        given().get("/v1/nothing-here").then().statusCode(404)
                .body("status", equalTo(404)).body("message", startsWith("GET /v1/nothing-here: "));
        given().contentType(ContentType.TEXT).body("labels").post("/v1/identities").then().statusCode(415)
                .body("status", equalTo(415)).body("message", startsWith("POST /v1/identities: "));
        given().delete("/v1/identities/1").then().statusCode(405).body("status", equalTo(405));
    }
}
