package io.septum.identity.endpoints;

import io.quarkus.test.junit.QuarkusTest;
import io.septum.identity.testing.ServiceTest;
import io.septum.model.kv.Buckets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.septum.identity.testing.Api.getEndpoint;
import static io.septum.identity.testing.Api.putEndpoint;
import static io.septum.identity.testing.Api.putNamespace;
import static io.septum.identity.testing.Api.renewLease;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

/** Lease renewals compare the node's list with the service's (the test profile's lease lasts 2 s). */
@QuarkusTest
class NodeLeaseTest extends ServiceTest {

    @BeforeEach
    void setUp() {
        putNamespace("shop", Map.of()).statusCode(200);
    }

    @Test
    void aRenewalExtendsTheLeaseOfTheNodesEndpoints() {
        Instant registered = Instant.parse(putEndpoint("shop", "web-1", "node-0", "10.244.0.2", Map.of("app", "web"))
                .statusCode(200).extract().path("leaseExpiresAt"));
        assertThat(registered).isBetween(Instant.now().plusSeconds(1), Instant.now().plusSeconds(3));

        Instant expires = Instant.parse(renewLease("node-0", List.of("shop/web-1")).statusCode(200)
                .body("node", equalTo("node-0"))
                .body("leaseSeconds", equalTo(2.0f))
                .body("endpoints", equalTo(1))
                .body("unknownEndpoints", empty())
                .body("removedEndpoints", empty())
                .extract().path("expiresAt"));

        assertThat(expires).isAfterOrEqualTo(registered);
        assertThat(Instant.parse(getEndpoint("shop", "web-1").statusCode(200).extract().path("leaseExpiresAt"))).isEqualTo(expires);
    }

    @Test
    void listedEndpointsTheServiceLostAreNamedForRegistration() {
        putEndpoint("shop", "web-1", "node-0", "10.244.0.2", Map.of("app", "web")).statusCode(200);

        renewLease("node-0", List.of("shop/web-1", "shop/web-2", "shop/db-0")).statusCode(200)
                .body("endpoints", equalTo(1))
                .body("unknownEndpoints", contains("shop/web-2", "shop/db-0"));
        // another node's endpoints are not this node's business
        renewLease("node-1", List.of()).statusCode(200).body("endpoints", equalTo(0)).body("removedEndpoints", empty());
        getEndpoint("shop", "web-1").statusCode(200);
    }

    /** A delete that never arrived: the endpoint goes once it has been registered for a lease period, not before. */
    @Test
    void endpointsTheNodeNoLongerListsAreRemovedOnceSettled() throws Exception {
        putEndpoint("shop", "old", "node-0", "10.244.0.2", Map.of("app", "web")).statusCode(200);
        putEndpoint("shop", "kept", "node-0", "10.244.0.3", Map.of("app", "web")).statusCode(200);
        state.execute("update endpoint set registered_at = now() - interval '1 minute'");
        putEndpoint("shop", "new", "node-0", "10.244.0.4", Map.of("app", "web")).statusCode(200);

        // "new" is not listed either (registered after the node made its list), but too recent to be stale
        renewLease("node-0", List.of("shop/kept")).statusCode(200)
                .body("removedEndpoints", contains("shop/old"))
                .body("endpoints", equalTo(2));

        getEndpoint("shop", "old").statusCode(404);
        getEndpoint("shop", "new").statusCode(200);
        assertThat(kv.keys(Buckets.IPCACHE)).containsExactlyInAnyOrder("10.244.0.3_32", "10.244.0.4_32");
    }

    @Test
    void withoutAListNothingIsCompared() {
        putEndpoint("shop", "web-1", "node-0", "10.244.0.2", Map.of("app", "web")).statusCode(200);
        state.execute("update endpoint set registered_at = now() - interval '1 minute'");

        renewLease("node-0", null).statusCode(200).body("endpoints", equalTo(1)).body("removedEndpoints", empty());
        assertThat(Duration.between(Instant.now(), Instant.parse(renewLease("node-0", null).extract().path("expiresAt"))))
                .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(3));
    }
}
