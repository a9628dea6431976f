package io.septum.auth.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Signature;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalAuthTest {

    @TempDir
    Path run;

    @Test
    void createsAPrivateKeyPairAndTokensOnceAndKeepsThem() throws Exception {
        LocalAuth auth = LocalAuth.in(run).ensure();
        String key = Files.readString(auth.privateKey());
        String cli = auth.cliToken();
        Path node = auth.mintNodeToken("node-0");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(auth.dir()))).isEqualTo("rwx------");
        for (Path file : new Path[]{auth.privateKey(), auth.publicKey(), auth.dir().resolve(LocalAuth.CLI_TOKEN), node}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString()).isEqualTo("rw-------");
        }
        LocalAuth.in(run).ensure();
        assertThat(Files.readString(auth.privateKey())).isEqualTo(key);
        assertThat(auth.cliToken()).isEqualTo(cli);

        JsonNode claims = verifiedClaims(LocalAuth.read(node), auth.publicKey());
        assertThat(claims.path("groups").toString()).isEqualTo("[\"enforcer\"]");
        assertThat(claims.path("septum_node").asText()).isEqualTo("node-0");
        assertThat(claims.path("iss").asText()).isEqualTo("septum-local");
        assertThat(claims.path("aud").asText()).isEqualTo("septum");
        assertThat(verifiedClaims(cli, auth.publicKey()).path("groups").toString()).isEqualTo("[\"septum-admin\"]");
    }

    @Test
    void refusesANodeNameThatIsNoDnsSubdomain() {
        assertThatThrownBy(() -> LocalAuth.in(run).mintNodeToken("../etc"))
                .hasMessageContaining("'../etc' is not a node name");
    }

    /** infra/auth.sh (openssl) and LocalAuth share one layout: each uses what the other made. */
    @Test
    void theSetUpScriptMakesKeysAndACliTokenInTheSameShape() throws Exception {
        ProcessBuilder script = new ProcessBuilder("../../infra/auth.sh").redirectErrorStream(true)
                .redirectOutput(run.resolve("auth.log").toFile());
        script.environment().put("SEPTUM_RUN", run.toString());
        script.environment().put("SEPTUM_NATS_ENFORCER_NODES", "1");
        assertThat(script.start().waitFor()).as("infra/auth.sh, see " + run.resolve("auth.log")).isZero();

        LocalAuth auth = LocalAuth.in(run);
        JsonNode claims = verifiedClaims(auth.cliToken(), auth.publicKey());
        assertThat(claims.path("groups").toString()).isEqualTo("[\"septum-admin\"]");
        assertThat(claims.path("iss").asText()).isEqualTo(TokenMinter.LOCAL_ISSUER);
        assertThat(claims.path("aud").asText()).isEqualTo(TokenMinter.AUDIENCE);
        assertThat(claims.path("exp").asLong()).isGreaterThan(java.time.Instant.now().plus(java.time.Duration.ofDays(29)).getEpochSecond());
        for (Path file : new Path[]{auth.privateKey(), auth.dir().resolve(LocalAuth.CLI_TOKEN), auth.dir().resolve("nats/users.conf")}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString()).isEqualTo("rw-------");
        }
        // The key openssl wrote signs what the lab mints for a node.
        assertThat(verifiedClaims(LocalAuth.read(auth.mintNodeToken("node-0")), auth.publicKey()).path("septum_node").asText()).isEqualTo("node-0");
    }

    /** The claims of a token whose RS256 signature the public key verifies. */
    static JsonNode verifiedClaims(String token, Path publicKey) throws Exception {
        String[] parts = token.split("\\.");
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(SigningKeys.readPublic(publicKey));
        rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(rsa.verify(Base64.getUrlDecoder().decode(parts[2]))).as("signature verifies").isTrue();
        return new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
    }
}
