package io.septum.auth.token;

import io.septum.auth.Role;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenVerifierTest {

    private static final KeyPair KEYS = SigningKeys.generate();
    private final TokenVerifier verifier = TokenVerifier.local(KEYS.getPublic());

    @Test
    void aTokenOfTheMinterIsVerifiedWithItsRolesAndNode() throws Exception {
        String token = TokenMinter.local(KEYS.getPrivate()).mint(TokenClaims.enforcer("node-3", Duration.ofMinutes(5)), Instant.now());

        TokenVerifier.Bearer bearer = verifier.verify(token);

        assertThat(bearer.subject()).isEqualTo("enforcer:node-3");
        assertThat(bearer.roles()).containsExactly(Role.ENFORCER);
        assertThat(bearer.node()).contains("node-3");
        assertThat(verifier.verify(TokenMinter.local(KEYS.getPrivate()).mint(TokenClaims.admin("ops", Duration.ofMinutes(5)), Instant.now())))
                .isEqualTo(new TokenVerifier.Bearer("ops", Set.of(Role.ADMIN), Optional.empty()));
    }

    @Test
    void refusesEachWayATokenCanBeWrong() {
        TokenClaims admin = TokenClaims.admin("ops", Duration.ofMinutes(5));
        String valid = TokenMinter.local(KEYS.getPrivate()).mint(admin, Instant.now());
        record Case(String token, String reason) {
        }
        for (Case c : List.of(
                new Case(TokenMinter.local(KEYS.getPrivate()).mint(admin, Instant.now().minus(Duration.ofHours(1))), "expired"),
                new Case(TokenMinter.local(SigningKeys.generate().getPrivate()).mint(admin, Instant.now()), "signature does not verify"),
                new Case(new TokenMinter(KEYS.getPrivate(), TokenMinter.LOCAL_ISSUER, "another").mint(admin, Instant.now()), "audience"),
                new Case(new TokenMinter(KEYS.getPrivate(), "someone-else", TokenMinter.AUDIENCE).mint(admin, Instant.now()), "issuer"),
                new Case(valid.substring(0, valid.lastIndexOf('.')) + ".AAAA", "signature does not verify"),
                new Case("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "not RS256"),
                new Case("not-a-token", "not a JWT"))) {
            assertThatThrownBy(() -> verifier.verify(c.token())).as(c.reason())
                    .isInstanceOf(TokenVerifier.InvalidToken.class).hasMessageContaining(c.reason());
        }
    }
}
