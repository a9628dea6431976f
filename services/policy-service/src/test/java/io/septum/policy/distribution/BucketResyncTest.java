package io.septum.policy.distribution;

import io.quarkus.test.junit.QuarkusTest;
import io.septum.policy.Policies;
import io.septum.policy.TestNats;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * After a failed bucket update the service is not ready until a background rebuild made the bucket equal
 * to PostgreSQL again. The failure is simulated by what it leaves behind: a bucket that lost a key and
 * holds one without a row.
 */
@QuarkusTest
class BucketResyncTest {

    @Inject
    BucketSync sync;

    @Test
    void aFailedUpdateIsRepairedByARebuild() throws Exception {
        given().delete("/v1/policies").then().statusCode(200);
        Policies.givenYaml().body(Policies.yaml("resync", "kept", 80)).post("/v1/policies").then().statusCode(200);
        TestNats.policies().delete("networkpolicy.resync.kept");
        TestNats.policies().put("networkpolicy.resync.ghost", "{}".getBytes(StandardCharsets.UTF_8));

        sync.resyncLater();
        given().get("/q/health/ready").then().statusCode(503);

        await().untilAsserted(() -> assertThat(TestNats.bucketContents()).containsOnlyKeys("networkpolicy.resync.kept"));
        await().untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    }
}
