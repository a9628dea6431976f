package io.septum.cli;

import io.septum.cli.http.JsonHttp;
import io.septum.cli.identity.EndpointCommand;
import io.septum.cli.identity.IdentityCommand;
import io.septum.cli.lab.LabCommand;
import io.septum.cli.lab.LabException;
import io.septum.cli.observe.ObserveCommand;
import io.septum.cli.policy.PolicyCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code septum}: the command line of Septum. Errors print one line saying what failed and why, and exit
 * with 2 (usage errors with picocli's 2 as well); commands that answer a yes/no question say so in their help.
 */
@Command(name = "septum", mixinStandardHelpOptions = true, version = "septum 0.1.0",
        description = "Identity-based network security for containers, enforced in the kernel with eBPF.",
        subcommands = {LabCommand.class, PolicyCommand.class,
                IdentityCommand.class,
                EndpointCommand.class,
                ObserveCommand.class,
                CommandLine.HelpCommand.class})
public final class SeptumCli {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new SeptumCli());
        ObserveCommand.configure(cli.getSubcommands().get("observe"));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof LabException || e instanceof JsonHttp.ServiceException || e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }
}
