package io.septum.policy;

import io.septum.auth.testing.TestTokens;
import io.septum.auth.token.TokenClaims;
import java.time.Duration;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.septum.model.kv.BucketRevisions;
import io.septum.model.kv.NodeStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** Bundle apply as GitOps tools use it: idempotence, dry run, prune by source, revisions with who and what, history. */
@QuarkusTest
class GitOpsApplyTest {

    /** Who a revision records: the subject of the request's token. */
    static String tokenOf(String subject) {
        return "Bearer " + TestTokens.mint(TokenClaims.admin(subject, Duration.ofMinutes(10)));
    }

    @BeforeEach
    void clean() {
        given().delete("/v1/policies").then().statusCode(200);
    }

    static ValidatableResponse apply(String body, Map<String, String> query) {
        return Policies.givenYaml().header("Authorization", tokenOf("alice")).queryParams(query).body(body).post("/v1/policies").then();
    }

    static long currentRevision() {
        return given().get("/v1/revisions?limit=1").then().statusCode(200).extract().jsonPath().getLong("items[0].revision");
    }

    @Test
    void theSameBundleTwiceChangesNothingAndMakesNoRevision() throws Exception {
        String bundle = Policies.documents(Policies.yaml("git", "a", 80), Policies.yaml("git", "b", 81));
        long first = apply(bundle, Map.of("source", "repo/app")).statusCode(200)
                .body("results.action", contains("created", "created")).extract().jsonPath().getLong("revision");
        long bucket = TestNats.lastSequence("KV_policies");

        apply(bundle, Map.of("source", "repo/app")).statusCode(200)
                .body("revision", equalTo((int) first))
                .body("dryRun", equalTo(false))
                .body("results.action", contains("unchanged", "unchanged"));
        assertThat(currentRevision()).isEqualTo(first);
        assertThat(TestNats.lastSequence("KV_policies")).isEqualTo(bucket);
        given().get("/v1/policies/git/a").then().body("source", equalTo("repo/app"));
    }

    @Test
    void dryRunReportsEveryActionAndStoresNothing() throws Exception {
        apply(Policies.documents(Policies.yaml("git", "a", 80), Policies.yaml("git", "b", 81), Policies.yaml("git", "same", 82)),
                Map.of("source", "repo/app")).statusCode(200);
        long revision = currentRevision();
        long bucket = TestNats.lastSequence("KV_policies");
        Map<String, com.fasterxml.jackson.databind.JsonNode> contents = TestNats.bucketContents();

        String next = Policies.documents(Policies.yaml("git", "a", 90), Policies.yaml("git", "c", 83), Policies.yaml("git", "same", 82));
        apply(next, Map.of("source", "repo/app", "prune", "true", "dryRun", "true")).statusCode(200)
                .body("dryRun", equalTo(true))
                .body("revision", equalTo((int) revision))
                .body("results.name", contains("a", "c", "same", "b"))
                .body("results.action", contains("updated", "created", "unchanged", "pruned"));

        assertThat(currentRevision()).isEqualTo(revision);
        assertThat(TestNats.lastSequence("KV_policies")).isEqualTo(bucket);
        assertThat(TestNats.bucketContents()).isEqualTo(contents);
        given().get("/v1/policies/git/c").then().statusCode(404);
        given().get("/v1/policies/git/a").then().body("document.spec.ingress[0].ports[0].port", equalTo(80));
    }

    @Test
    void pruneDeletesOnlyWhatTheSourceOwnsAndTheBundleLacks() throws Exception {
        apply(Policies.documents(Policies.yaml("git", "a", 80), Policies.yaml("git", "b", 81)), Map.of("source", "repo/app")).statusCode(200);
        apply(Policies.yaml("git", "other-source", 82), Map.of("source", "repo/other")).statusCode(200);
        apply(Policies.yaml("git", "no-source", 83), Map.of()).statusCode(200);

        long pruning = apply(Policies.yaml("git", "a", 80), Map.of("source", "repo/app", "prune", "true")).statusCode(200)
                .body("results.name", contains("a", "b"))
                .body("results.action", contains("unchanged", "pruned"))
                .extract().jsonPath().getLong("revision");
        given().get("/v1/policies").then().body("items.name", contains("a", "no-source", "other-source"));
        assertThat(TestNats.bucketContents()).containsOnlyKeys("networkpolicy.git.a", "networkpolicy.git.other-source",
                "networkpolicy.git.no-source");
        given().get("/v1/revisions/" + pruning).then().statusCode(200)
                .body("revision.actor", equalTo("alice"))
                .body("revision.source", equalTo("repo/app"))
                .body("revision.operation", equalTo("apply"))
                .body("changes.name", contains("b"))
                .body("changes.action", contains("deleted"));

        // Applying an object with a source takes it over: it is then pruned with that source.
        apply(Policies.yaml("git", "no-source", 83), Map.of("source", "repo/app")).statusCode(200)
                .body("results.action", contains("updated"));
        apply(Policies.yaml("git", "a", 80), Map.of("source", "repo/app", "prune", "true")).statusCode(200)
                .body("results.action", contains("unchanged", "pruned"));
        given().get("/v1/policies").then().body("items.name", contains("a", "other-source"));
    }

    @Test
    void badParametersOrOneBadDocumentRejectTheWholeBundle() throws Exception {
        apply(Policies.yaml("git", "a", 80), Map.of("source", "repo/app")).statusCode(200);
        long revision = currentRevision();
        apply(Policies.yaml("git", "b", 80), Map.of("prune", "true")).statusCode(400)
                .body("message", containsString("prune needs source"));
        apply(Policies.yaml("git", "b", 80), Map.of("dryRun", "yes")).statusCode(400)
                .body("message", containsString("dryRun 'yes'"));
        apply(Policies.yaml("git", "b", 80), Map.of("source", "bad source!")).statusCode(400)
                .body("message", containsString("source 'bad source!'"));
        String bad = Policies.yaml("git", "bad", 70000);
        apply(Policies.documents(Policies.yaml("git", "c", 80), bad), Map.of("source", "repo/app", "prune", "true")).statusCode(400)
                .body("errors.document", hasItem(1))
                .body("errors.path", hasItem("spec.ingress[0].ports[0].port"));
        assertThat(currentRevision()).isEqualTo(revision);
        given().get("/v1/policies").then().body("items.name", contains("a"));
    }

    @Test
    void revisionsRecordWhoWhenAndWhatAndEveryPastContentIsReadable() {
        // History outlives deletes: a name of its own, so earlier runs do not show in it.
        String name = "p" + System.nanoTime();
        long created = apply(Policies.yaml("hist", name, 80), Map.of()).extract().jsonPath().getLong("revision");
        long updated = Policies.givenYaml().body(Policies.yaml("hist", name, 81)).post("/v1/policies").then().statusCode(200)
                .extract().jsonPath().getLong("revision");
        long deleted = given().header("Authorization", tokenOf("bob")).delete("/v1/policies/hist/" + name).then().statusCode(200)
                .extract().jsonPath().getLong("revision");

        JsonPath history = given().get("/v1/policies/hist/" + name + "/history").then().statusCode(200).extract().jsonPath();
        assertThat(history.getList("items.revision", Long.class)).containsExactly(deleted, updated, created);
        assertThat(history.getList("items.action", String.class)).containsExactly("deleted", "updated", "created");
        assertThat(history.getList("items.actor", String.class)).containsExactly("bob", "test-admin", "alice");

        given().get("/v1/policies/hist/" + name + "?revision=" + created).then().statusCode(200)
                .body("revision", equalTo((int) created)).body("document.spec.ingress[0].ports[0].port", equalTo(80));
        given().get("/v1/policies/hist/" + name + "?revision=" + updated).then().statusCode(200)
                .body("document.spec.ingress[0].ports[0].port", equalTo(81));
        given().get("/v1/policies/hist/" + name + "?revision=" + deleted).then().statusCode(404)
                .body("message", containsString("at revision " + deleted + ": not found"));
        given().get("/v1/policies/hist/" + name + "?revision=" + (created - 1)).then().statusCode(404);
        given().get("/v1/policies/hist/" + name + "?revision=x").then().statusCode(400)
                .body("message", containsString("query parameter revision 'x'"));

        // Paging, newest first: the three revisions in pages of two.
        JsonPath page = given().get("/v1/revisions?limit=2&before=" + (deleted + 1)).then().statusCode(200).extract().jsonPath();
        assertThat(page.getList("items.revision", Long.class)).containsExactly(deleted, updated);
        assertThat(page.getLong("next")).isEqualTo(updated);
        JsonPath second = given().get("/v1/revisions?limit=2&before=" + updated).then().extract().jsonPath();
        assertThat(second.getList("items.revision", Long.class)).first().isEqualTo(created);
        given().get("/v1/revisions?limit=0").then().statusCode(400).body("message", containsString("limit"));
        given().get("/v1/revisions/" + Long.MAX_VALUE).then().statusCode(404);
        given().get("/v1/revisions/" + created).then().statusCode(200)
                .body("revision.changes", equalTo(1))
                .body("changes[0].name", equalTo(name))
                .body("changes[0].action", equalTo("created"));
    }

    @Test
    void eachRevisionSaysHowManyNodesRealizedIt() throws Exception {
        long first = apply(Policies.yaml("real", "p", 80), Map.of()).extract().jsonPath().getLong("revision");
        long bucketAfterFirst = TestNats.lastSequence("KV_policies");
        long second = apply(Policies.yaml("real", "p", 81), Map.of()).extract().jsonPath().getLong("revision");
        // A node that realized the first revision's bucket write but not the second's.
        String node = "gitops-node-" + System.nanoTime();
        TestNats.publishStatus(new NodeStatus(node, System.currentTimeMillis(),
                new BucketRevisions(bucketAfterFirst, Long.MAX_VALUE, Long.MAX_VALUE), 1, 1, List.of()));
        await().untilAsserted(() -> {
            JsonPath older = given().get("/v1/revisions/" + first).then().extract().jsonPath();
            JsonPath newer = given().get("/v1/revisions/" + second).then().extract().jsonPath();
            int total = older.getInt("revision.totalNodes");
            assertThat(total).isPositive();
            // Other nodes heard by this process may realize either; this one counts only for the first.
            assertThat(older.getInt("revision.realizedNodes")).isEqualTo(newer.getInt("revision.realizedNodes") + 1);
        });
    }

    @Test
    void aLargeBundleIsOneRevisionWithEveryObjectStoredDistributedAndRecorded() throws Exception {
        int size = 250;
        // History outlives deletes: a namespace of its own, so earlier runs do not show in it.
        String ns = "bulk" + System.nanoTime();
        String[] first = new String[size];
        String[] next = new String[size - 50];
        for (int i = 0; i < size; i++) {
            first[i] = Policies.yaml(ns, "p" + i, 80);
            if (i < size - 50) {
                next[i] = Policies.yaml(ns, "p" + i, i < 100 ? 81 : 80); // 100 changed, 100 unchanged, 50 left out
            }
        }
        long created = apply(Policies.documents(first), Map.of("source", "repo/bulk")).statusCode(200)
                .extract().jsonPath().getLong("revision");
        long updated = apply(Policies.documents(next), Map.of("source", "repo/bulk", "prune", "true")).statusCode(200)
                .extract().jsonPath().getLong("revision");
        assertThat(updated).isGreaterThan(created);

        JsonPath answer = apply(Policies.documents(next), Map.of("source", "repo/bulk", "prune", "true", "dryRun", "true")).statusCode(200)
                .extract().jsonPath();
        assertThat(answer.getList("results.action", String.class)).containsOnly("unchanged");
        JsonPath revision = given().get("/v1/revisions/" + updated).then().statusCode(200).extract().jsonPath();
        assertThat(revision.getInt("revision.changes")).isEqualTo(150);
        assertThat(revision.getList("changes.action", String.class)).filteredOn("deleted"::equals).hasSize(50);
        assertThat(revision.getList("changes.action", String.class)).filteredOn("updated"::equals).hasSize(100);
        given().get("/v1/revisions/" + created).then().body("revision.changes", equalTo(size));

        // Every stored object is in the bucket with the revision that last wrote it, and nothing else is.
        Map<String, com.fasterxml.jackson.databind.JsonNode> bucket = TestNats.bucketContents();
        JsonPath stored = given().get("/v1/policies?namespace=" + ns).then().statusCode(200).extract().jsonPath();
        assertThat(stored.getList("items.name", String.class)).hasSize(size - 50);
        assertThat(bucket.keySet().stream().filter(k -> k.startsWith("networkpolicy." + ns + ".")).count()).isEqualTo(size - 50);
        for (int i = 0; i < size - 50; i++) {
            com.fasterxml.jackson.databind.JsonNode entry = bucket.get("networkpolicy." + ns + ".p" + i);
            assertThat(entry.path("revision").asLong()).as("revision of p%d", i).isEqualTo(i < 100 ? updated : created);
            assertThat(entry.at("/document/spec/ingress/0/ports/0/port").asInt()).as("port of p%d", i).isEqualTo(i < 100 ? 81 : 80);
        }
        given().get("/v1/policies/" + ns + "/p100/history").then().body("items.revision", contains((int) created));
        given().get("/v1/policies/" + ns + "/p0/history").then().body("items.revision", contains((int) updated, (int) created));
    }
}
