package io.septum.flows;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.septum.auth.testing.TestTokens;
import io.septum.model.flows.Flow;
import io.septum.model.flows.FlowBatch;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The follow stream: Server-Sent Events of the flows that arrive after it opened and match its filters. */
@QuarkusTest
class FlowFollowTest {

    static final String NODE = "flowtest-follow";

    @TestHTTPResource("/v1/flows/follow?node=" + NODE + "&verdict=DROPPED")
    URI follow;

    @Test
    void newMatchingFlowsAreStreamedAsTheyArrive() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> given().get("/q/health/ready").statusCode() == 200);
        BlockingQueue<Flow> received = new ArrayBlockingQueue<>(100);
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<java.io.InputStream> response = client.send(HttpRequest.newBuilder(follow).header("Accept", "text/event-stream")
                        .header("Authorization", "Bearer " + TestTokens.admin()).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("data:")) {
                        received.add(TestCluster.JSON.readValue(line.substring(5).trim(), Flow.class));
                    }
                }
            } catch (Exception e) {
                // the stream ends when the test closes it
            }
        });
        try (TestCluster cluster = new TestCluster()) {
            // The stream may take a moment to register: publish until the first drop arrives.
            long sequence = 1;
            Flow first = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (first == null && System.nanoTime() < deadline) {
                cluster.publish(new FlowBatch(NODE, sequence++, 0, 0, 0, List.of(
                        TestCluster.record(1, "10.99.1.1", 2, 1000, "10.99.1.2", 0, 80, 6, 0, 0, 1, 0x02, 0),
                        TestCluster.record(2, "10.99.1.1", 2, 1001, "10.99.1.2", 0, 81, 6, 1, 3, 1, 0x02, 0))));
                first = received.poll(500, TimeUnit.MILLISECONDS);
            }
            assertThat(first).as("a dropped flow on the follow stream").isNotNull();
            assertThat(first.node()).isEqualTo(NODE);
            assertThat(first.verdict()).isEqualTo("DROPPED");
            assertThat(first.dropReason()).isEqualTo("UNKNOWN_ENDPOINT");
            assertThat(first.destinationPort()).as("the forwarded flow of the same batch is filtered out").isEqualTo(81);
        } finally {
            reader.interrupt();
            client.shutdownNow();
        }
    }
}
