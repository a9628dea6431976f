package io.septum.auth.rest;

import io.septum.auth.token.SigningKeys;
import io.septum.auth.token.TokenClaims;
import io.septum.auth.token.TokenMinter;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The remembered verifications: a token seen before is not verified again; nothing invalid ever gets through. */
class VerifiedTokensTest {

    private final KeyPair keys = SigningKeys.generate();
    private final TokenMinter minter = TokenMinter.local(keys.getPrivate());
    private final AtomicLong now = new AtomicLong(System.currentTimeMillis());
    private final VerifiedTokens tokens = new VerifiedTokens(new DefaultJWTParser(context()), 100, Duration.ofMinutes(5), now::get);

    private JWTAuthContextInfo context() {
        JWTAuthContextInfo context = new JWTAuthContextInfo(keys.getPublic(), TokenMinter.LOCAL_ISSUER);
        context.setExpectedAudience(Set.of(TokenMinter.AUDIENCE));
        context.setClockSkew(0);
        return context;
    }

    @Test
    void aTokenSeenBeforeIsAnsweredWithoutVerifyingItAgain() throws ParseException {
        String token = minter.mint(TokenClaims.admin("alice", Duration.ofHours(1)), Instant.now());
        JsonWebToken first = tokens.parse(token);
        JsonWebToken again = tokens.parse(token);

        assertThat(first.getName()).isEqualTo("alice");
        assertThat(again).isSameAs(first);
        assertThat(tokens.verifications()).isEqualTo(1);
        tokens.parse(minter.mint(TokenClaims.admin("bob", Duration.ofHours(1)), Instant.now()));
        assertThat(tokens.verifications()).isEqualTo(2);
    }

    @Test
    void aTamperedCopyOfARememberedTokenIsRefused() throws ParseException {
        String token = minter.mint(TokenClaims.admin("alice", Duration.ofHours(1)), Instant.now());
        tokens.parse(token);
        String[] parts = token.split("\\.");
        String otherSignature = minter.mint(TokenClaims.admin("mallory", Duration.ofHours(1)), Instant.now()).split("\\.")[2];
        String otherClaims = minter.mint(TokenClaims.admin("mallory", Duration.ofHours(1)), Instant.now()).split("\\.")[1];

        assertThatThrownBy(() -> tokens.parse(parts[0] + "." + parts[1] + "." + otherSignature)).isInstanceOf(ParseException.class);
        assertThatThrownBy(() -> tokens.parse(parts[0] + "." + otherClaims + "." + parts[2])).isInstanceOf(ParseException.class);
        String foreign = TokenMinter.local(SigningKeys.generate().getPrivate()).mint(TokenClaims.admin("alice", Duration.ofHours(1)), Instant.now());
        assertThatThrownBy(() -> tokens.parse(foreign)).isInstanceOf(ParseException.class);
        assertThatThrownBy(() -> tokens.parse(foreign)).as("a refusal is not remembered").isInstanceOf(ParseException.class);
    }

    @Test
    void anExpiredTokenIsRefusedAndARememberedOneIsForgottenAtItsExpiry() throws Exception {
        String old = minter.mint(TokenClaims.admin("alice", Duration.ofMinutes(5)), Instant.now().minus(Duration.ofHours(1)));
        assertThatThrownBy(() -> tokens.parse(old)).isInstanceOf(ParseException.class);

        Instant issued = Instant.now();
        String token = minter.mint(TokenClaims.admin("alice", Duration.ofSeconds(2)), issued);
        tokens.parse(token);
        long exp = issued.plusSeconds(2).getEpochSecond() * 1000;
        now.set(exp - 1);
        tokens.parse(token);
        assertThat(tokens.verifications()).as("still remembered just before exp").isEqualTo(1);

        now.set(exp);
        Thread.sleep(Math.max(0, exp - System.currentTimeMillis() + 50)); // the parser's own clock too
        assertThatThrownBy(() -> tokens.parse(token)).as("at exp the parser decides, and refuses").isInstanceOf(ParseException.class);
    }

    @Test
    void aRememberedTokenIsVerifiedAgainAfterTheMaximumAge() throws ParseException {
        String token = minter.mint(TokenClaims.admin("alice", Duration.ofHours(1)), Instant.now());
        tokens.parse(token);
        now.addAndGet(Duration.ofMinutes(5).toMillis());
        tokens.parse(token);
        assertThat(tokens.verifications()).isEqualTo(2);
    }

    @Test
    void aFullMemoryStaysBounded() throws ParseException {
        for (int i = 0; i < 250; i++) {
            tokens.parse(minter.mint(TokenClaims.admin("user-" + i, Duration.ofHours(1)), Instant.now()));
        }
        String token = minter.mint(TokenClaims.admin("last", Duration.ofHours(1)), Instant.now());
        tokens.parse(token);
        long before = tokens.verifications();
        tokens.parse(token);
        assertThat(tokens.verifications()).isEqualTo(before);
        assertThat(tokens.remembered()).isLessThanOrEqualTo(100);
    }
}
