package io.septum.auth.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.septum.auth.Role;
import io.septum.auth.token.SigningKeys;
import io.septum.auth.token.TokenClaims;
import io.septum.auth.token.TokenMinter;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * A service's access table — every operation × every kind of caller → expected status — and the checks every
 * service runs on it: each call answers as the table says, a 401/403 names its reason and changes nothing,
 * the table lists every operation the service serves, and invalid tokens are refused.
 */
public final class AccessTable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A kind of caller: a name for messages and the token it sends, if any. */
    public record Caller(String name, Optional<String> token) {
        public static Caller anonymous() {
            return new Caller("no token", Optional.empty());
        }

        public static Caller of(String name, TokenClaims claims) {
            return new Caller(name, Optional.of(TestTokens.mint(claims)));
        }
    }

    /** One call of one operation ("path method" as in the OpenAPI document) with its body and expected status per caller. */
    public record Call(String operation, String method, String path, String contentType, String body, Map<String, Integer> expected) {
    }

    private final List<Caller> callers;
    private final List<Call> calls = new ArrayList<>();

    /** {@code callers} in the order {@link #row} lists their statuses; the anonymous caller is added first, always 401. */
    public AccessTable(Caller... callers) {
        this.callers = new ArrayList<>(List.of(Caller.anonymous()));
        this.callers.addAll(List.of(callers));
    }

    /**
     * The usual columns: admin, a policy-editor granted {@code editorNamespace} only, a viewer, and the enforcer
     * of {@code enforcerNode}.
     */
    public static AccessTable ofRoles(String editorNamespace, String enforcerNode) {
        Duration ttl = Duration.ofMinutes(10);
        return new AccessTable(
                Caller.of("admin", TokenClaims.admin("admin", ttl)),
                Caller.of("editor of " + editorNamespace, new TokenClaims("alice", Set.of(Role.POLICY_EDITOR), List.of(editorNamespace), Optional.empty(), ttl)),
                Caller.of("viewer", new TokenClaims("victor", Set.of(Role.VIEWER), List.of(), Optional.empty(), ttl)),
                Caller.of("enforcer of " + enforcerNode, TokenClaims.enforcer(enforcerNode, ttl)));
    }

    /** A row: the call and the status of each caller, in the constructor's order. */
    public AccessTable row(String operation, String method, String path, String contentType, String body, int... statuses) {
        if (statuses.length != callers.size() - 1) {
            throw new IllegalArgumentException(method + " " + path + ": " + statuses.length + " statuses for " + (callers.size() - 1) + " callers");
        }
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put(callers.getFirst().name(), 401);
        for (int i = 0; i < statuses.length; i++) {
            expected.put(callers.get(i + 1).name(), statuses[i]);
        }
        calls.add(new Call(operation, method, path, contentType, body, expected));
        return this;
    }

    public AccessTable row(String operation, String method, String path, int... statuses) {
        return row(operation, method, path, null, null, statuses);
    }

    /**
     * Sends every call as every caller, each from the state {@code seed} makes; returns what differed from the
     * table: a status, a refusal without its reason, or a refusal after which {@code state} read differently.
     * The state is seeded again only after a call that may have changed it (an accepted write).
     */
    public List<String> check(Runnable seed, Supplier<String> state) {
        List<String> wrong = new ArrayList<>();
        String before = null;
        for (Call call : calls) {
            for (Caller caller : callers) {
                int expected = call.expected().get(caller.name());
                if (before == null) {
                    seed.run();
                    before = state.get();
                }
                Response response = send(call.method(), call.path(), call.contentType(), call.body(), caller.token());
                String what = call.method() + " " + call.path() + " as " + caller.name();
                if (response.statusCode() < 400 && !call.method().equals("GET")) {
                    before = null;
                }
                if (response.statusCode() != expected) {
                    before = null;
                    wrong.add(what + ": " + response.statusCode() + " (expected " + expected + ") " + response.asString());
                    continue;
                }
                if (expected == 401 || expected == 403) {
                    String message = json(response.asString()).path("message").asText();
                    boolean named = expected == 401 ? message.contains("authentication required")
                            : message.contains("role missing") || message.contains("namespace not granted") || message.contains("node mismatch");
                    if (!named) {
                        wrong.add(what + ": the body does not name the reason: " + response.asString());
                    }
                    if (!state.get().equals(before)) {
                        wrong.add(what + ": refused, yet the state changed");
                        before = null;
                    }
                }
            }
        }
        return wrong;
    }

    /** The operations of the table, as "path method". */
    public Set<String> operations() {
        Set<String> operations = new TreeSet<>();
        calls.forEach(c -> operations.add(c.operation()));
        return operations;
    }

    /** The operations the running service serves, from its OpenAPI document. */
    public static Set<String> servedOperations() {
        JsonNode served = json(RestAssured.given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().asString());
        Set<String> operations = new TreeSet<>();
        served.path("paths").properties().forEach(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (Set.of("get", "put", "post", "delete", "patch").contains(method)) {
                operations.add(path.getKey() + " " + method);
            }
        }));
        return operations;
    }

    /** Admin tokens that must be refused: expired, signed by another key, for another audience, from another issuer, no JWT. */
    public static Map<String, String> invalidTokens() {
        TokenClaims admin = TokenClaims.admin("mallory", Duration.ofMinutes(5));
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("expired", TokenMinter.local(SigningKeys.readPrivate(TestTokens.KEY)).mint(admin, Instant.now().minus(Duration.ofHours(1))));
        tokens.put("signed by another key", TokenMinter.local(SigningKeys.generate().getPrivate()).mint(admin, Instant.now()));
        tokens.put("for another audience", new TokenMinter(SigningKeys.readPrivate(TestTokens.KEY), TokenMinter.LOCAL_ISSUER, "another-service")
                .mint(admin, Instant.now()));
        tokens.put("from another issuer", new TokenMinter(SigningKeys.readPrivate(TestTokens.KEY), "https://elsewhere", TokenMinter.AUDIENCE)
                .mint(admin, Instant.now()));
        tokens.put("no JWT", "not-a-jwt");
        return tokens;
    }

    /** One request with exactly this token (none: no Authorization header), whatever the test-wide default. */
    public static Response send(String method, String path, String contentType, String body, Optional<String> token) {
        // The default admin token (TestTokens) must not ride along.
        return TestTokens.withoutDefault(() -> {
            RequestSpecification request = RestAssured.given().config(RestAssured.config()
                    .encoderConfig(EncoderConfig.encoderConfig().encodeContentTypeAs("application/yaml", ContentType.TEXT)));
            token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
            if (body != null) {
                request.contentType(contentType).body(body);
            }
            return request.request(method, path);
        });
    }

    /** A request as admin, for seeding and reading state. */
    public static RequestSpecification asAdmin() {
        return RestAssured.given().header("Authorization", "Bearer " + TestTokens.admin());
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("parse response " + text + ": " + e.getMessage(), e);
        }
    }
}
