package io.septum.cli.observe;

import io.septum.cli.http.JsonHttp;
import io.septum.model.flows.Flow;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;

/** Prints flows as {@code septum observe -o} asks: one line each (compact, json) or aligned columns (table). */
final class FlowPrinter {

    private static final String TABLE = "%-30s %-8s %-28s %-28s %-5s %-10s %-20s %s%n";

    private final ObserveCommand.Output output;
    private final PrintStream out;
    private boolean headerPrinted;

    FlowPrinter(ObserveCommand.Output output, PrintStream out) {
        this.output = output;
        this.out = out;
    }

    void printAll(List<Flow> flows) {
        flows.forEach(this::print);
        if (flows.isEmpty() && output != ObserveCommand.Output.json) {
            out.println("no flows match");
        }
    }

    void print(Flow flow) {
        switch (output) {
            case compact -> out.println(compact(flow));
            case json -> {
                try {
                    out.println(JsonHttp.JSON.writeValueAsString(flow));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new UncheckedIOException(e);
                }
            }
            case table -> {
                if (!headerPrinted) {
                    out.printf(TABLE, "TIME", "NODE", "SOURCE", "DESTINATION", "PROTO", "VERDICT", "REASON", "POLICY");
                    headerPrinted = true;
                }
                out.printf(TABLE, flow.time(), flow.node(), side(flow.source(), flow.sourcePort()),
                        side(flow.destination(), flow.destinationPort()), flow.protocol(), flow.verdict(),
                        "NONE".equals(flow.dropReason()) ? "-" : flow.dropReason(), policy(flow));
            }
        }
    }

    /** hubble's compact form: time, node, then the flow's one-line summary. */
    static String compact(Flow flow) {
        return flow.time() + " [" + flow.node() + "] " + flow.summary();
    }

    private static String side(Flow.FlowEndpoint endpoint, int port) {
        return endpoint.name() + ":" + port;
    }

    private static String policy(Flow flow) {
        if (!flow.rule().isEmpty()) {
            return flow.rule();
        }
        return flow.policies().isEmpty() ? "-" : "default deny: " + String.join(", ", flow.policies());
    }
}
