package io.septum.cli.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code septum endpoint}: the endpoints identity-service knows, with their identities and leases. */
@Command(name = "endpoint", description = "List endpoints as identity-service records them.",
        subcommands = {EndpointCommand.ListEndpoints.class})
public final class EndpointCommand {

    @Command(name = "list", description = "List endpoints by namespace and pod: node, address, identity, and when the lease runs out.")
    static final class ListEndpoints implements Callable<Integer> {
        @Option(names = "--node", paramLabel = "N", description = "Only the endpoints of node N.")
        String node;
        @Option(names = "--json", description = "Print JSON ({\"items\": [...]}).")
        boolean json;

        @Override
        public Integer call() {
            ArrayNode items = new IdentityService().endpoints(node);
            if (json) {
                IdentityService.printJson(Map.of("items", items), System.out::println);
                return 0;
            }
            System.out.printf("%-32s %-12s %-15s %-9s %s%n", "ENDPOINT", "NODE", "IP", "IDENTITY", "LEASE EXPIRES");
            for (JsonNode e : items) {
                System.out.printf("%-32s %-12s %-15s %-9d %s%n", e.path("namespace").asText() + "/" + e.path("pod").asText(),
                        e.path("node").asText(), e.path("ip").asText(), e.path("identity").path("id").asInt(),
                        e.path("leaseExpiresAt").asText("-"));
            }
            return 0;
        }
    }
}
