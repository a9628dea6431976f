package io.septum.auth.rest;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import javax.crypto.SecretKey;

/**
 * The service's JWT parser (MicroProfile JWT asks it for the caller of every request), remembering the tokens it
 * verified: a client sends the same token with every request, and checking its RSA signature and claims again each
 * time cost more CPU than answering most requests. A token is verified once by smallrye-jwt ({@link DefaultJWTParser},
 * with every configured check: signature, issuer, audience, expiry) and then answered from memory, by its exact text,
 * until it expires (or {@code septum.auth.token-cache.max-age} passed, so that a key removed from a JWKS stops
 * trusting its tokens within that age). A token that differs by one character — another signature, other claims — is
 * another key and is verified; a token that failed is never remembered; an expired one is refused by the parser.
 */
@Alternative
@Priority(1)
@Singleton
public class VerifiedTokens implements JWTParser {

    private final DefaultJWTParser parser;
    private final LongSupplier clock;
    private final TokenMemory<JsonWebToken> verified;
    private final AtomicLong verifications = new AtomicLong();

    @Inject // two constructors: CDI must be told which
    public VerifiedTokens(DefaultJWTParser parser,
                          @ConfigProperty(name = "septum.auth.token-cache.max-entries", defaultValue = "10000") int maxEntries,
                          @ConfigProperty(name = "septum.auth.token-cache.max-age", defaultValue = "5m") Duration maxAge) {
        this(parser, maxEntries, maxAge, System::currentTimeMillis);
    }

    VerifiedTokens(DefaultJWTParser parser, int maxEntries, Duration maxAge, LongSupplier clock) {
        this.parser = parser;
        this.verified = new TokenMemory<>(maxEntries, maxAge.toMillis());
        this.clock = clock;
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        long now = clock.getAsLong();
        JsonWebToken known = verified.get(token, now);
        if (known != null) {
            return known;
        }
        JsonWebToken checked = parser.parse(token);
        verifications.incrementAndGet();
        // until its expiry (exp, whole seconds: the first millisecond of that second is already too late); a token
        // without expiry is not remembered
        verified.remember(token, checked, checked.getExpirationTime() * 1000L, now);
        return checked;
    }

    /** How many tokens were verified (not answered from memory) since start. */
    public long verifications() {
        return verifications.get();
    }

    /** How many tokens are remembered now. */
    int remembered() {
        return verified.size();
    }

    // The rest is not per request: passed through unchanged.

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return parser.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return parser.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return parser.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return parser.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return parser.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return parser.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return parser.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return parser.parseOnly(token);
    }
}
