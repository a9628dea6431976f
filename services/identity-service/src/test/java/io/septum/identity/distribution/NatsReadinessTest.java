package io.septum.identity.distribution;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

@QuarkusTest
class NatsReadinessTest {

    @Test
    void readyWhenNatsIsConnectedAndTheBucketsAreRebuilt() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                given().get("/q/health/ready").then().statusCode(200)
                        .body("status", equalTo("UP"))
                        .body("checks.name", hasItem("NATS buckets"))
                        .body("checks.find { it.name == 'NATS buckets' }.data.connection", equalTo("CONNECTED")));
    }
}
