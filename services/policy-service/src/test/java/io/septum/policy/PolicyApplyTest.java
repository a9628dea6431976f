package io.septum.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

@QuarkusTest
class PolicyApplyTest {

    static final String YAML = "application/yaml";

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void clean() {
        given().delete("/v1/policies").then().statusCode(200);
    }

    static ValidatableResponse apply(String contentType, String body) {
        return (YAML.equals(contentType) ? Policies.givenYaml() : given().contentType(contentType)).body(body).post("/v1/policies").then();
    }

    @Test
    void multiDocumentYamlIsCreatedThenUnchangedThenUpdated() {
        String bundle = Policies.documents(Policies.yaml("shop", "backend", 8080), Policies.yaml("shop", "db", 5432));
        long first = apply(YAML, bundle).statusCode(200)
                .body("results.action", contains("created", "created"))
                .body("results.name", contains("backend", "db"))
                .body("results.namespace", contains("shop", "shop"))
                .body("results.kind", contains("NetworkPolicy", "NetworkPolicy"))
                .extract().jsonPath().getLong("revision");
        assertThat(first).isPositive();

        // The same documents again: nothing changes, so no new revision.
        apply(YAML, bundle).statusCode(200)
                .body("revision", equalTo((int) first))
                .body("results.action", contains("unchanged", "unchanged"))
                .body("results.revision", contains((int) first, (int) first));

        // One changed, one not: a new revision, only for the changed one.
        String changed = Policies.documents(Policies.yaml("shop", "backend", 9090), Policies.yaml("shop", "db", 5432));
        long second = apply(YAML, changed).statusCode(200)
                .body("results.action", contains("updated", "unchanged"))
                .extract().jsonPath().getLong("revision");
        assertThat(second).isGreaterThan(first);
        given().get("/v1/policies/shop/backend").then().statusCode(200)
                .body("revision", equalTo((int) second))
                .body("document.spec.ingress[0].ports[0].port", equalTo(9090));
        given().get("/v1/policies/shop/db").then().body("revision", equalTo((int) first));
    }

    @Test
    void jsonObjectsArraysAndKindListAreAccepted() {
        apply(ContentType.JSON.toString(), Policies.json("single", 80)).statusCode(200)
                .body("results.namespace", contains("default"));
        apply(ContentType.JSON.toString(), "[" + Policies.json("first", 81) + "," + Policies.json("second", 82) + "]")
                .statusCode(200)
                .body("results.name", contains("first", "second"));
        String list = """
                apiVersion: v1
                kind: List
                items:
                - apiVersion: networking.k8s.io/v1
                  kind: NetworkPolicy
                  metadata: {name: listed}
                  spec: {podSelector: {}}
                """;
        apply(YAML, list).statusCode(200).body("results.name", contains("listed"));
        given().get("/v1/policies").then().body("items.name", contains("first", "listed", "second", "single"));
    }

    @Test
    void namespaceParameterAppliesOnlyToDocumentsWithout() {
        Policies.givenYaml().queryParam("namespace", "team-a")
                .body(Policies.documents(Policies.yaml("explicit", "own", 80), "apiVersion: networking.k8s.io/v1\n"
                        + "kind: NetworkPolicy\nmetadata: {name: implicit}\nspec: {podSelector: {}}\n"))
                .post("/v1/policies").then().statusCode(200)
                .body("results.namespace", contains("explicit", "team-a"));
        Policies.givenYaml().queryParam("namespace", "Not_A_Namespace").body(Policies.yaml("x", "y", 80))
                .post("/v1/policies").then().statusCode(400)
                .body("message", containsString("Not_A_Namespace"));
    }

    @Test
    void oneInvalidDocumentRejectsTheBundleAndStoresNothing() throws Exception {
        apply(YAML, Policies.yaml("shop", "kept", 80)).statusCode(200);
        Map<String, JsonNode> bucketBefore = TestNats.bucketContents();
        long bucketRevisionBefore = TestNats.lastSequence("KV_policies");

        String bad = Policies.yaml("shop", "broken", 0).replace("protocol: TCP", "protocol: ICMP");
        String bundle = Policies.documents(Policies.yaml("shop", "good", 80), bad, Policies.yaml("shop", "kept", 81));
        apply(YAML, bundle).statusCode(400)
                .body("status", equalTo(400))
                .body("message", containsString("apply policies: "))
                .body("errors.path", hasItem("spec.ingress[0].ports[0].port"))
                .body("errors.path", hasItem("spec.ingress[0].ports[0].protocol"))
                .body("errors.document", hasItem(1));

        given().get("/v1/policies").then().body("items.name", contains("kept"));
        given().get("/v1/policies/shop/kept").then().body("document.spec.ingress[0].ports[0].port", equalTo(80));
        assertThat(TestNats.bucketContents()).isEqualTo(bucketBefore);
        assertThat(TestNats.lastSequence("KV_policies")).isEqualTo(bucketRevisionBefore);
    }

    @Test
    void garbageNeverGivesA500() {
        String valid = Policies.yaml("shop", "x", 80);
        List<String> inputs = new ArrayList<>(List.of("", "   ", "---", "null", "[]", "{}", "[1, 2]", "42", "\"text\"",
                "{", "[{]", ":\n:", "- - -", "\u0000\u0001", "{\"kind\": null}", "kind: [", "apiVersion: v1\nkind: List\nitems: 7",
                "apiVersion: v1\nkind: List\nitems: [1, [2], {kind: NetworkPolicy}]",
                "{\"apiVersion\": \"networking.k8s.io/v1\", \"kind\": \"NetworkPolicy\", \"metadata\": [], \"spec\": 1}",
                "&a [*a]", "!!binary AAAA", "key: !!python/object:os.system ls"));
        // Every prefix of a valid document, and the document with each line dropped.
        String[] lines = valid.split("\n");
        for (int i = 1; i < valid.length(); i += 7) {
            inputs.add(valid.substring(0, i));
        }
        for (int i = 0; i < lines.length; i++) {
            List<String> without = new ArrayList<>(List.of(lines));
            without.remove(i);
            inputs.add(String.join("\n", without));
            List<String> garbled = new ArrayList<>(List.of(lines));
            garbled.set(i, garbled.get(i).replace(":", ": [").replace("-", "{"));
            inputs.add(String.join("\n", garbled));
        }
        for (String input : inputs) {
            int status = Policies.givenYaml().body(input).post("/v1/policies").then().extract().statusCode();
            assertThat(status).as("status for input %s", input.replace("\n", "\\n")).isIn(200, 400);
        }
    }

    @Test
    void everyChangeIsRecordedWithItsRevision() throws Exception {
        long created = apply(YAML, Policies.yaml("audit", "p", 80)).extract().jsonPath().getLong("revision");
        long updated = apply(YAML, Policies.yaml("audit", "p", 81)).extract().jsonPath().getLong("revision");
        long deleted = given().delete("/v1/policies/audit/p").then().statusCode(200).extract().jsonPath().getLong("revision");
        assertThat(List.of(created, updated, deleted)).isSorted().doesNotHaveDuplicates();

        List<String> history = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     select c.revision, r.operation, c.action, c.document->'spec'->'ingress'->0->'ports'->0->>'port'
                     from policy_changes c join policy_revisions r using (revision)
                     where c.namespace = 'audit' and c.name = 'p' and c.revision >= %d order by c.revision
                     """.formatted(created))) {
            while (rs.next()) {
                history.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4));
            }
        }
        assertThat(history).containsExactly(created + " apply created 80", updated + " apply updated 81",
                deleted + " delete deleted null");
    }

    @Test
    void bucketHoldsExactlyTheStoredObjects() throws Exception {
        apply(YAML, Policies.documents(Policies.yaml("a", "one", 80), Policies.yaml("b", "two", 81))).statusCode(200);
        apply(YAML, Policies.yaml("a", "one", 82)).statusCode(200);
        given().delete("/v1/policies/b/two").then().statusCode(200);

        Map<String, JsonNode> bucket = TestNats.bucketContents();
        assertThat(bucket).containsOnlyKeys("networkpolicy.a.one");
        JsonNode record = bucket.get("networkpolicy.a.one");
        JsonNode stored = TestNats.json().readTree(given().get("/v1/policies/a/one").then().extract().asString());
        assertThat(record.get("kind").asText()).isEqualTo("NetworkPolicy");
        assertThat(record.get("namespace").asText()).isEqualTo("a");
        assertThat(record.get("name").asText()).isEqualTo("one");
        assertThat(record.get("revision")).isEqualTo(stored.get("revision"));
        assertThat(record.get("document")).isEqualTo(stored.get("document"));
        assertThat(record.at("/document/spec/ingress/0/ports/0/port").asInt()).isEqualTo(82);
        given().get("/v1/policies").then().body("items", hasSize(1));
    }
}
