package io.septum.auth.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The local installation's signing key and tokens under {@code $SEPTUM_RUN/auth} (directory 0700, files 0600),
 * as infra/auth.sh lays them out: {@code signing-key.pem} (private), {@code signing-key.pub.pem} (what the
 * services verify with), {@code cli.token} (septum-admin, sent by ./septum), {@code nodes/<node>.token}
 * (enforcer of that node, minted when the lab starts it).
 */
public final class LocalAuth {

    public static final String PRIVATE_KEY = "signing-key.pem";
    public static final String PUBLIC_KEY = "signing-key.pub.pem";
    public static final String CLI_TOKEN = "cli.token";
    /** Lifetime of the tokens minted here for the CLI and the enforcers. */
    public static final Duration LOCAL_TTL = Duration.ofDays(30);
    private static final Pattern NODE = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    private final Path dir;

    public LocalAuth(Path dir) {
        this.dir = dir;
    }

    /** The auth directory of the runtime folder {@code run} ($SEPTUM_RUN). */
    public static LocalAuth in(Path run) {
        return new LocalAuth(run.resolve("auth"));
    }

    public Path dir() {
        return dir;
    }

    public Path publicKey() {
        return dir.resolve(PUBLIC_KEY);
    }

    public Path privateKey() {
        return dir.resolve(PRIVATE_KEY);
    }

    /** Creates the key pair and the CLI's token when missing; an existing key is kept (tokens signed by it stay valid). */
    public LocalAuth ensure() {
        try {
            createPrivateDirectory(dir);
            if (!Files.exists(privateKey())) {
                KeyPair pair = SigningKeys.generate();
                writePrivate(publicKey(), SigningKeys.publicPem(pair.getPublic()));
                writePrivate(privateKey(), SigningKeys.privatePem(pair.getPrivate()));
            }
            if (!Files.exists(dir.resolve(CLI_TOKEN))) {
                writePrivate(dir.resolve(CLI_TOKEN), minter().mint(TokenClaims.admin("septum-cli", LOCAL_TTL), Instant.now()));
            }
            return this;
        } catch (IOException e) {
            throw new IllegalStateException("create signing key and tokens in " + dir + ": " + e.getMessage(), e);
        }
    }

    public TokenMinter minter() {
        return TokenMinter.local(SigningKeys.readPrivate(privateKey()));
    }

    /** The CLI's token, created with the key when missing. */
    public String cliToken() {
        ensure();
        return read(dir.resolve(CLI_TOKEN));
    }

    /** Mints a fresh enforcer token for {@code node} and stores it as {@code nodes/<node>.token}; returns the file. */
    public Path mintNodeToken(String node) {
        if (!NODE.matcher(node).matches()) {
            throw new IllegalArgumentException("mint enforcer token: '" + node + "' is not a node name (DNS subdomain)");
        }
        ensure();
        Path file = dir.resolve("nodes").resolve(node + ".token");
        try {
            createPrivateDirectory(file.getParent());
            writePrivate(file, minter().mint(TokenClaims.enforcer(node, LOCAL_TTL), Instant.now()));
        } catch (IOException e) {
            throw new IllegalStateException("write enforcer token " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    public static String read(Path tokenFile) {
        try {
            return Files.readString(tokenFile, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new IllegalStateException("read token " + tokenFile + ": " + e.getMessage(), e);
        }
    }

    private static void createPrivateDirectory(Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
    }

    /** Written to a 0600 temporary file and moved into place, so no reader ever sees a partial or readable file. */
    private static void writePrivate(Path file, String content) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, content, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
