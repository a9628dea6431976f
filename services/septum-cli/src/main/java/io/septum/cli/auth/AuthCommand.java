package io.septum.cli.auth;

import io.septum.auth.Role;
import io.septum.auth.token.TokenClaims;
import io.septum.cli.CliEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code septum auth}: tokens signed with this installation's key ($SEPTUM_RUN/auth). */
@Command(name = "auth", description = "Tokens for the Septum APIs, signed with this installation's key.",
        subcommands = {AuthCommand.Token.class})
public final class AuthCommand {

    @Command(name = "token", description = {"Print a new bearer token (send it as 'Authorization: Bearer <token>', or as SEPTUM_TOKEN to ./septum).",
            "Roles: septum-admin (everything), policy-editor (policies of the --namespace NS given), viewer (read only),",
            "enforcer (the --node N given: its endpoints and lease, reads)."})
    static final class Token implements Callable<Integer> {
        @Option(names = "--role", required = true, split = ",", paramLabel = "R", description = "septum-admin, policy-editor, viewer or enforcer; repeatable")
        List<String> roles;
        @Option(names = "--namespace", split = ",", paramLabel = "NS", description = "A namespace a policy-editor may write; repeatable")
        List<String> namespaces = List.of();
        @Option(names = "--node", paramLabel = "N", description = "The node an enforcer token speaks for")
        String node;
        @Option(names = "--subject", paramLabel = "NAME", description = "Who the token is for (audit log); default: the role list")
        String subject;
        @Option(names = "--ttl", paramLabel = "D", defaultValue = "1h", description = "Lifetime: 30s, 15m, 8h, 30d or ISO-8601 (PT8H); default 1h")
        String ttl;

        @Override
        public Integer call() {
            Set<Role> parsed = EnumSet.noneOf(Role.class);
            roles.forEach(r -> parsed.add(Role.parse(r)));
            if (!namespaces.isEmpty() && !parsed.contains(Role.POLICY_EDITOR)) {
                throw new IllegalArgumentException("--namespace applies to role policy-editor only");
            }
            if (parsed.contains(Role.POLICY_EDITOR) && namespaces.isEmpty()) {
                throw new IllegalArgumentException("role policy-editor needs at least one --namespace");
            }
            if (parsed.contains(Role.ENFORCER) != (node != null)) {
                throw new IllegalArgumentException(node == null ? "role enforcer needs --node N" : "--node applies to role enforcer only");
            }
            TokenClaims claims = new TokenClaims(subject != null ? subject : String.join("+", roles), parsed, namespaces,
                    Optional.ofNullable(node), duration(ttl));
            System.out.println(CliEnvironment.fromSystem().localAuth().ensure().minter().mint(claims, Instant.now()));
            return 0;
        }
    }

    /** "90s", "15m", "8h", "30d", or ISO-8601 ("PT8H"). */
    static Duration duration(String text) {
        try {
            if (text.matches("\\d+[smhd]")) {
                long n = Long.parseLong(text.substring(0, text.length() - 1));
                return switch (text.charAt(text.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            return Duration.parse(text);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("--ttl '" + text + "' is not a duration such as 30s, 15m, 8h, 30d or PT8H");
        }
    }
}
