package io.septum.auth.token;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.septum.auth.Role;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * Signs RS256 JWTs in the shape the services verify (MicroProfile JWT: {@code iss}, {@code aud}, {@code sub},
 * {@code upn}, {@code groups}, {@code exp}), plus Septum's namespace and node claims. Plain JDK, so the CLI
 * and test harnesses mint tokens without a JWT library.
 */
public final class TokenMinter {

    public static final String LOCAL_ISSUER = "septum-local";
    public static final String AUDIENCE = "septum";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final PrivateKey key;
    private final String issuer;
    private final String audience;

    public TokenMinter(PrivateKey key, String issuer, String audience) {
        this.key = key;
        this.issuer = issuer;
        this.audience = audience;
    }

    public static TokenMinter local(PrivateKey key) {
        return new TokenMinter(key, LOCAL_ISSUER, AUDIENCE);
    }

    /** A token valid from {@code now} for {@code claims.ttl()}. */
    public String mint(TokenClaims claims, Instant now) {
        ObjectNode header = JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT");
        ObjectNode body = JSON.createObjectNode()
                .put("iss", issuer)
                .put("aud", audience)
                .put("sub", claims.subject())
                .put("upn", claims.subject())
                .put("iat", now.getEpochSecond())
                .put("exp", now.plus(claims.ttl()).getEpochSecond())
                .put("jti", UUID.randomUUID().toString());
        ArrayNode groups = body.putArray("groups");
        claims.roles().stream().map(Role::claim).sorted().forEach(groups::add);
        if (!claims.namespaces().isEmpty()) {
            ArrayNode namespaces = body.putArray(TokenClaims.NAMESPACES_CLAIM);
            claims.namespaces().forEach(namespaces::add);
        }
        claims.node().ifPresent(node -> body.put(TokenClaims.NODE_CLAIM, node));
        String signed = encode(header) + "." + encode(body);
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + B64.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sign token for " + claims.subject() + ": " + e.getMessage(), e);
        }
    }

    private static String encode(ObjectNode node) {
        return B64.encodeToString(node.toString().getBytes(StandardCharsets.UTF_8));
    }
}
