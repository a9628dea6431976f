package io.septum.enforcer.agent.api;

import io.septum.auth.Role;
import io.septum.auth.token.SigningKeys;
import io.septum.auth.token.TokenClaims;
import io.septum.auth.token.TokenMinter;
import io.septum.auth.token.TokenVerifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The local API's endpoint changes: who may make them, and that a refused one never reaches its handler. */
class BearerWriteGuardTest {

    private static final KeyPair KEYS = SigningKeys.generate();
    private final TokenMinter minter = TokenMinter.local(KEYS.getPrivate());
    private final AtomicInteger changes = new AtomicInteger();
    private LocalApiServer api;
    private HttpClient http;

    @BeforeEach
    void start() throws Exception {
        api = new LocalApiServer()
                .route("PUT", "/v1/endpoints/([a-z]+)/([a-z]+)", r -> {
                    changes.incrementAndGet();
                    return LocalApiServer.Reply.json(200, Map.of("ok", true));
                })
                .route("GET", "/v1/status", r -> LocalApiServer.Reply.json(200, Map.of("node", "node-1")))
                .guardWrites(new BearerWriteGuard(TokenVerifier.local(KEYS.getPublic()), "node-1"));
        api.start("127.0.0.1", 0);
        http = HttpClient.newHttpClient();
    }

    @AfterEach
    void stop() {
        api.close();
        http.close();
    }

    @Test
    void onlyAdminOrThisNodesEnforcerChangesEndpoints() throws Exception {
        record Case(String who, Optional<String> token, int status) {
        }
        Duration ttl = Duration.ofMinutes(5);
        List<Case> cases = List.of(
                new Case("septum-admin", Optional.of(minter.mint(TokenClaims.admin("ops", ttl), Instant.now())), 200),
                new Case("this node's enforcer", Optional.of(minter.mint(TokenClaims.enforcer("node-1", ttl), Instant.now())), 200),
                new Case("another node's enforcer", Optional.of(minter.mint(TokenClaims.enforcer("node-2", ttl), Instant.now())), 403),
                new Case("viewer", Optional.of(minter.mint(new TokenClaims("v", Set.of(Role.VIEWER), List.of(), Optional.empty(), ttl),
                        Instant.now())), 403),
                new Case("expired admin", Optional.of(minter.mint(TokenClaims.admin("ops", ttl), Instant.now().minus(Duration.ofHours(1)))), 401),
                new Case("admin of another key", Optional.of(TokenMinter.local(SigningKeys.generate().getPrivate())
                        .mint(TokenClaims.admin("ops", ttl), Instant.now())), 401),
                new Case("nobody", Optional.empty(), 401));
        int expectedChanges = 0;
        for (Case c : cases) {
            HttpRequest.Builder put = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/v1/endpoints/shop/web"))
                    .PUT(HttpRequest.BodyPublishers.ofString("{}"));
            c.token().ifPresent(t -> put.header("Authorization", "Bearer " + t));
            HttpResponse<String> response = http.send(put.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(c.who()).isEqualTo(c.status());
            expectedChanges += c.status() == 200 ? 1 : 0;
            assertThat(changes.get()).as("handler runs only for accepted changes, after " + c.who()).isEqualTo(expectedChanges);
        }
    }

    @Test
    void readsNeedNoToken() throws Exception {
        HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/v1/status")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).isEqualTo(200);
    }
}
