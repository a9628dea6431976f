package io.septum.policy.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.septum.policy.Policies;
import io.septum.policy.TestNats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutated bundles through POST /v1/policies: never a 5xx; a rejection is a 400 whose errors each name the
 * document (by its index in the bundle) and a field path, and rejects the whole bundle. Most are dry runs;
 * every tenth is stored, to go through the write path too.
 */
@QuarkusTest
class ApplyFuzzTest {

    static final int BUNDLES = 600;

    @AfterEach
    void clean() {
        given().delete("/v1/policies").then().statusCode(200);
    }

    @Test
    void mutatedBundlesAreAcceptedOrRejectedWholeWithFieldPaths() throws Exception {
        DocumentMutator mutator = new DocumentMutator(new Random(5));
        Random random = new Random(6);
        int rejected = 0;
        for (int i = 0; i < BUNDLES; i++) {
            // A valid document first, then 1-2 mutated ones: a rejection must name the mutated document's index.
            List<JsonNode> documents = new ArrayList<>();
            documents.add(DocumentMutator.YAML.readTree(Policies.yaml("fuzz", "valid-" + i, 80)));
            for (int n = 1 + random.nextInt(2); n > 0; n--) {
                documents.add(mutator.next());
            }
            String bundle = String.join("---\n", documents.stream().map(DocumentMutator::yaml).toList());
            boolean dryRun = i % 10 != 0;
            Response response = Policies.givenYaml().queryParam("dryRun", Boolean.toString(dryRun)).body(bundle).post("/v1/policies");
            int status = response.statusCode();
            String body = response.asString();
            assertThat(status).as("bundle %d:%n%s%n-> %s", i, bundle, body).isIn(200, 400);
            if (status == 400) {
                rejected++;
                JsonNode error = TestNats.json().readTree(body);
                assertThat(error.path("message").asText()).startsWith("apply policies: ");
                assertThat(error.path("errors")).as("errors of bundle %d: %s", i, body).isNotEmpty();
                for (JsonNode fieldError : error.path("errors")) {
                    int document = fieldError.path("document").asInt();
                    assertThat(document).as("document index in %s", body).isBetween(1, documents.size() - 1);
                    if (documents.get(document).isObject()) {
                        assertThat(fieldError.path("path").asText()).as("path of an error in bundle %d: %s", i, body).isNotEmpty();
                    }
                }
                if (!dryRun) {
                    given().get("/v1/policies/fuzz/valid-" + i).then().statusCode(404);
                }
            }
        }
        assertThat(rejected).isBetween(BUNDLES / 10, BUNDLES - BUNDLES / 20);
    }
}
