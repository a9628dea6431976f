package io.septum.auth.testing;

import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.config.HeaderConfig;
import io.septum.auth.token.SigningKeys;
import io.septum.auth.token.TokenClaims;
import io.septum.auth.token.TokenMinter;
import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Tokens signed by the test key of the module under test (src/test/resources/test-auth, which its test
 * profile trusts), and — registered as a Quarkus test callback (META-INF/services), so that it sets
 * rest-assured as loaded by the Quarkus test class loader — an admin token on every rest-assured request by
 * default, so that tests of anything but access run with auth on. A test's own Authorization header replaces it.
 */
public final class TestTokens implements QuarkusTestBeforeEachCallback {

    /** The module's test signing key, relative to the module (surefire's working directory). */
    public static final Path KEY = Path.of("src/test/resources/test-auth/signing-key.pem");
    public static final Path PUBLIC_KEY = KEY.resolveSibling("signing-key.pub.pem");

    public static String mint(TokenClaims claims) {
        return TokenMinter.local(SigningKeys.readPrivate(KEY)).mint(claims, Instant.now());
    }

    public static String admin() {
        return mint(TokenClaims.admin("test-admin", Duration.ofHours(1)));
    }

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        RestAssured.requestSpecification = new RequestSpecBuilder().addHeader("Authorization", "Bearer " + admin()).build();
        RestAssured.config = RestAssured.config().headerConfig(HeaderConfig.headerConfig().overwriteHeadersWithName("Authorization"));
    }
}
