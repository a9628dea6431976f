package io.septum.auth.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.septum.auth.Role;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies the RS256 bearer tokens of {@link TokenMinter}'s shape where no MicroProfile JWT runtime is: the
 * enforcer's local API. Checks what the services check — the signature with the trusted key, the issuer, the
 * audience, expiry and not-before (with a minute of clock skew) — and reads the roles and Septum's node claim.
 */
public final class TokenVerifier {

    /** What a verified token says about its bearer. */
    public record Bearer(String subject, Set<Role> roles, Optional<String> node) {
    }

    /** A token that must be refused; the message says why, and nothing the token carries. */
    public static final class InvalidToken extends Exception {
        public InvalidToken(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SKEW_SECONDS = 60;

    private final PublicKey key;
    private final String issuer;
    private final String audience;
    private final Clock clock;

    public TokenVerifier(PublicKey key, String issuer, String audience, Clock clock) {
        this.key = key;
        this.issuer = issuer;
        this.audience = audience;
        this.clock = clock;
    }

    /** Trusts the local installation's key, issuer and audience. */
    public static TokenVerifier local(PublicKey key) {
        return new TokenVerifier(key, TokenMinter.LOCAL_ISSUER, TokenMinter.AUDIENCE, Clock.systemUTC());
    }

    public Bearer verify(String token) throws InvalidToken {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new InvalidToken("not a JWT");
        }
        JsonNode header = decode(parts[0]);
        if (!"RS256".equals(header.path("alg").asText())) {
            throw new InvalidToken("signature algorithm " + header.path("alg").asText() + " is not RS256");
        }
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(key);
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                throw new InvalidToken("signature does not verify with the trusted key");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidToken("signature does not verify with the trusted key");
        }
        JsonNode claims = decode(parts[1]);
        long now = clock.instant().getEpochSecond();
        if (!claims.path("exp").canConvertToLong() || claims.path("exp").asLong() + SKEW_SECONDS < now) {
            throw new InvalidToken("expired");
        }
        if (claims.has("nbf") && claims.path("nbf").asLong() - SKEW_SECONDS > now) {
            throw new InvalidToken("not valid yet");
        }
        if (!issuer.equals(claims.path("iss").asText())) {
            throw new InvalidToken("issuer is not " + issuer);
        }
        JsonNode aud = claims.path("aud");
        boolean forUs = aud.isArray() ? streamContains(aud, audience) : audience.equals(aud.asText());
        if (!forUs) {
            throw new InvalidToken("audience is not " + audience);
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        claims.path("groups").forEach(group -> Role.fromClaim(group.asText()).ifPresent(roles::add));
        String node = claims.path(TokenClaims.NODE_CLAIM).asText(null);
        return new Bearer(claims.path("sub").asText(), Set.copyOf(roles), Optional.ofNullable(node));
    }

    private static boolean streamContains(JsonNode array, String value) {
        for (JsonNode item : array) {
            if (value.equals(item.asText())) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode decode(String part) throws InvalidToken {
        try {
            JsonNode node = JSON.readTree(Base64.getUrlDecoder().decode(part));
            if (node == null || !node.isObject()) {
                throw new InvalidToken("not a JWT");
            }
            return node;
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidToken("not a JWT");
        }
    }
}
