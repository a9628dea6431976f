package io.septum.cli;

import io.septum.auth.nats.NatsUser;
import io.septum.auth.token.LocalAuth;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the CLI finds everything, from the environment the {@code septum} launcher sets (each has a
 * default for a checkout run from its root): the services, NATS, the runtime folder, the lab's name and
 * the Septum checkout itself (for the enforcer jar and the JDK the lab starts enforcers with).
 */
public record CliEnvironment(URI identityUrl, URI policyUrl, String natsUrl, Path runDirectory, String labName,
                             Path home, Path javaHome, Map<String, String> variables) {

    public static CliEnvironment fromSystem() {
        return from(System.getenv());
    }

    public static CliEnvironment from(Map<String, String> env) {
        Path home = Path.of(env.getOrDefault("SEPTUM_HOME", ".")).toAbsolutePath().normalize();
        Path run = Path.of(env.getOrDefault("SEPTUM_RUN", home.resolve(".run").toString())).toAbsolutePath().normalize();
        return new CliEnvironment(
                URI.create(env.getOrDefault("SEPTUM_IDENTITY_URL", "http://127.0.0.1:8081")),
                URI.create(env.getOrDefault("SEPTUM_POLICY_URL", "http://127.0.0.1:8082")),
                env.getOrDefault("SEPTUM_NATS_URL", "nats://127.0.0.1:4222"),
                run,
                env.getOrDefault("SEPTUM_LAB", "septum"),
                home,
                Path.of(env.getOrDefault("JAVA_HOME", System.getProperty("java.home"))),
                Map.copyOf(env));
    }

    /**
     * The bearer token the CLI sends to the services: {@code SEPTUM_TOKEN}, else the file {@code SEPTUM_TOKEN_FILE},
     * else the local installation's CLI token ($SEPTUM_RUN/auth/cli.token, created with the signing key when
     * missing); empty when none is readable (the service then answers 401, and the CLI says why).
     */
    public Optional<String> token() {
        String token = variables.get("SEPTUM_TOKEN");
        if (token != null && !token.isBlank()) {
            return Optional.of(token.strip());
        }
        String file = variables.get("SEPTUM_TOKEN_FILE");
        if (file != null && !file.isBlank()) {
            return Optional.of(LocalAuth.read(Path.of(file)));
        }
        try {
            return Optional.of(localAuth().cliToken());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The signing key and tokens of this installation ($SEPTUM_RUN/auth). */
    public LocalAuth localAuth() {
        return LocalAuth.in(runDirectory);
    }

    /**
     * The NATS users' password files of the installation running the NATS server ({@code SEPTUM_NATS_CREDENTIALS},
     * else $SEPTUM_RUN/auth/nats, made by infra/auth.sh): the lab gives each enforcer its node's user from here.
     */
    public Path natsCredentials() {
        String dir = variables.get("SEPTUM_NATS_CREDENTIALS");
        return dir != null && !dir.isBlank() ? Path.of(dir) : NatsUser.directory(runDirectory);
    }

    /** The enforcer's runnable jar in this checkout (built by {@code make build}). */
    public Path enforcerJar() {
        Path target = home.resolve("node-enforcer/target");
        try (var files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("node-enforcer-.*\\.jar")
                            && !p.getFileName().toString().endsWith("-sources.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no node-enforcer jar in " + target + "; run 'make build'"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("no node-enforcer build in " + target + " (" + e.getMessage() + "); run 'make build'", e);
        }
    }

    /** The CLI's own class path, to start the lab's pod-server daemon with the same code. */
    public String ownClassPath() {
        return System.getProperty("java.class.path");
    }
}
