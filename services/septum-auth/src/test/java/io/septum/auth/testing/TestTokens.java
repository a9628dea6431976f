package io.septum.auth.testing;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.septum.auth.token.SigningKeys;
import io.septum.auth.token.TokenClaims;
import io.septum.auth.token.TokenMinter;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Tokens signed by the test key of the module under test (src/test/resources/test-auth, which its test
 * profile trusts), and — registered as a Quarkus test callback (META-INF/services), so that it reaches
 * rest-assured as loaded by the Quarkus test class loader — an admin token on every rest-assured request that
 * carries no Authorization header of its own, so that tests of anything but access run with auth on. A filter
 * rather than a default request specification, which would pin the port of the first application started.
 */
public final class TestTokens implements QuarkusTestBeforeEachCallback {

    /** The module's test signing key, relative to the module (surefire's working directory). */
    public static final Path KEY = Path.of("src/test/resources/test-auth/signing-key.pem");
    public static final Path PUBLIC_KEY = KEY.resolveSibling("signing-key.pub.pem");

    private static final ThreadLocal<Boolean> ANONYMOUS = ThreadLocal.withInitial(() -> false);
    private static final Filter DEFAULT_TOKEN = (request, response, context) -> {
        if (!ANONYMOUS.get() && !request.getHeaders().hasHeaderWithName("Authorization")) {
            request.header("Authorization", "Bearer " + admin());
        }
        return context.next(request, response);
    };

    public static String mint(TokenClaims claims) {
        return TokenMinter.local(SigningKeys.readPrivate(KEY)).mint(claims, Instant.now());
    }

    public static String admin() {
        return mint(TokenClaims.admin("test-admin", Duration.ofHours(1)));
    }

    /** Runs {@code request} without the default token: what a caller without one gets. */
    public static <T> T withoutDefault(Supplier<T> request) {
        ANONYMOUS.set(true);
        try {
            return request.get();
        } finally {
            ANONYMOUS.set(false);
        }
    }

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        if (!RestAssured.filters().contains(DEFAULT_TOKEN)) {
            RestAssured.filters(DEFAULT_TOKEN);
        }
    }
}
