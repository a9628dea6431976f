package io.septum.cli.observe;

import io.septum.cli.http.JsonHttp;
import io.septum.model.flows.Flow;
import io.septum.model.flows.FlowQueryException;
import io.septum.model.flows.FlowQueryParser;
import io.septum.model.flows.FlowQueryParser.Param;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code septum observe}: flows from flow-service, with the filters of {@code hubble observe}. Filter options are
 * setters, called in command-line order, so that {@code --not} applies to the filter that follows it; the command
 * line must therefore allow repeating them ({@link #configure}).
 */
@Command(name = "observe", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Show flows: every new connection and every drop the nodes' datapaths saw, with pods, labels, "
                + "verdict, drop reason and the deciding policy. Reads flow-service ($SEPTUM_FLOW_URL, default http://127.0.0.1:8084).",
                "",
                "How filters combine: several values of one filter (the option repeated) OR; different filters AND. "
                + "--not negates the filter right after it; the negated filters together form one filter, and flows matching it "
                + "are left out. A --from-/--to- filter looks at the source or the destination, the plain one at either side.",
                "",
                "Conflicting filters are rejected, naming both: --from-X or --to-X with --X (pod, label, ip, identity, port), "
                + "a filter and its negation on one value, --drop-reason with only --verdict FORWARDED, --since after --until, "
                + "--until with --follow.",
                "",
                "Without --since, --last or --follow: the last " + ObserveCommand.DEFAULT_LAST + " flows.",
                ""},
        footer = {"", "Examples:",
                "  septum observe --to-pod default/backend --verdict DROPPED",
                "  septum observe --pod default/ --not --verdict FORWARDED -o table",
                "  septum observe --from-label app=frontend --port 80 --port 443 --since 5m -o json",
                "  septum observe --follow --drop-reason POLICY_DENIED"})
public final class ObserveCommand implements Callable<Integer> {

    static final int DEFAULT_LAST = 20;

    /** Output formats. */
    enum Output { compact, json, table }

    @Spec
    CommandLine.Model.CommandSpec spec;

    final List<Param> params = new ArrayList<>();
    private boolean negateNext;
    boolean follow;
    Output output = Output.compact;
    private final String flowsUrl;

    public ObserveCommand() {
        this(System.getenv().getOrDefault("SEPTUM_FLOW_URL", "http://127.0.0.1:8084"));
    }

    ObserveCommand(String flowsUrl) {
        this.flowsUrl = flowsUrl;
    }

    /** Filter options repeat (one value each time) and --not precedes each filter it negates. */
    public static void configure(CommandLine observe) {
        observe.setOverwrittenOptionsAllowed(true);
    }

    private void filter(String name, String value) {
        params.add(new Param(negateNext ? FlowQueryParser.NOT_PREFIX + name : name, value));
        negateNext = false;
    }

    @Option(order = 1, names = "--not", description = "Negate the filter that follows.")
    void not(boolean ignored) {
        if (negateNext) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--not --not: --not negates the filter after it, once");
        }
        negateNext = true;
    }

    @Option(order = 2, names = "--from-pod", paramLabel = "[NS/]POD", description = "Source pod (NS/ for all pods of NS; NS defaults to default).")
    void fromPod(String v) { filter("from-pod", v); }

    @Option(order = 3, names = "--to-pod", paramLabel = "[NS/]POD", description = "Destination pod.")
    void toPod(String v) { filter("to-pod", v); }

    @Option(order = 4, names = "--pod", paramLabel = "[NS/]POD", description = "Source or destination pod.")
    void pod(String v) { filter("pod", v); }

    @Option(order = 5, names = "--from-label", paramLabel = "K[=V],...", description = "Source labels, all of them (k8s:app=x or app=x).")
    void fromLabel(String v) { filter("from-label", v); }

    @Option(order = 6, names = "--to-label", paramLabel = "K[=V],...", description = "Destination labels.")
    void toLabel(String v) { filter("to-label", v); }

    @Option(order = 7, names = "--label", paramLabel = "K[=V],...", description = "Source or destination labels.")
    void label(String v) { filter("label", v); }

    @Option(order = 8, names = "--from-ip", paramLabel = "IP[/LEN]", description = "Source address or CIDR.")
    void fromIp(String v) { filter("from-ip", v); }

    @Option(order = 9, names = "--to-ip", paramLabel = "IP[/LEN]", description = "Destination address or CIDR.")
    void toIp(String v) { filter("to-ip", v); }

    @Option(order = 10, names = "--ip", paramLabel = "IP[/LEN]", description = "Source or destination address or CIDR.")
    void ip(String v) { filter("ip", v); }

    @Option(order = 11, names = "--from-identity", paramLabel = "N", description = "Source security identity.")
    void fromIdentity(String v) { filter("from-identity", v); }

    @Option(order = 12, names = "--to-identity", paramLabel = "N", description = "Destination security identity.")
    void toIdentity(String v) { filter("to-identity", v); }

    @Option(order = 13, names = "--identity", paramLabel = "N", description = "Source or destination security identity.")
    void identity(String v) { filter("identity", v); }

    @Option(order = 14, names = "--from-port", paramLabel = "PORT", description = "Source port.")
    void fromPort(String v) { filter("from-port", v); }

    @Option(order = 15, names = "--to-port", paramLabel = "PORT", description = "Destination port.")
    void toPort(String v) { filter("to-port", v); }

    @Option(order = 16, names = "--port", paramLabel = "PORT", description = "Source or destination port.")
    void port(String v) { filter("port", v); }

    @Option(order = 17, names = "--protocol", paramLabel = "PROTO", description = "TCP, UDP, ICMP or SCTP.")
    void protocol(String v) { filter("protocol", v); }

    @Option(order = 18, names = "--verdict", paramLabel = "VERDICT", description = "FORWARDED, DROPPED or AUDIT.")
    void verdict(String v) { filter("verdict", v); }

    @Option(order = 19, names = "--drop-reason", paramLabel = "REASON", description = "A drop reason, e.g. POLICY_DENIED (the datapath's names).")
    void dropReason(String v) { filter("drop-reason", v); }

    @Option(order = 20, names = "--node", paramLabel = "NODE", description = "The node whose datapath saw the flow.")
    void node(String v) { filter("node", v); }

    @Option(order = 21, names = "--since", paramLabel = "TIME", description = "Flows at or after: RFC 3339, or a duration ago (30s, 5m, 2h, 1d).")
    void since(String v) { timeOrCount("since", v); }

    @Option(order = 22, names = "--until", paramLabel = "TIME", description = "Flows at or before, as --since.")
    void until(String v) { timeOrCount("until", v); }

    @Option(order = 23, names = "--last", paramLabel = "N", description = "Only the last N matching flows (with --follow: first these, then new ones).")
    void last(String v) { timeOrCount("last", v); }

    @Option(order = 24, names = {"-f", "--follow"}, description = "Keep printing new flows as they arrive (Ctrl-C ends).")
    void follow(boolean v) { follow = v; }

    @Option(order = 25, names = {"-o", "--output"}, paramLabel = "FORMAT", description = "compact (default), json (one object per line) or table.")
    void output(Output v) { output = v; }

    private void timeOrCount(String name, String value) {
        if (negateNext) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--not --" + name + ": only filters can be negated, not --" + name);
        }
        params.add(new Param(name, value));
    }

    /** The query parameters to send, after checking them as flow-service will (so that mistakes are named by flag). */
    List<Param> validatedParams() {
        if (negateNext) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--not at the end: it negates the filter after it");
        }
        try {
            new FlowQueryParser("--", Set.of(), Instant.now()).parse(params, follow);
        } catch (FlowQueryException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        List<Param> sent = new ArrayList<>(params);
        boolean bounded = sent.stream().anyMatch(p -> p.name().equals("last") || p.name().equals("since"));
        if (!bounded && !follow) {
            sent.add(new Param("last", Integer.toString(DEFAULT_LAST)));
        }
        return sent;
    }

    static String query(List<Param> params) {
        StringBuilder q = new StringBuilder();
        for (Param p : params) {
            q.append(q.isEmpty() ? "?" : "&").append(URLEncoder.encode(p.name(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(p.value(), StandardCharsets.UTF_8));
        }
        return q.toString();
    }

    @Override
    public Integer call() throws Exception {
        String query = query(validatedParams());
        FlowPrinter printer = new FlowPrinter(output, System.out);
        URI base = URI.create(flowsUrl);
        if (follow) {
            FlowStream.follow(base, "/v1/flows/follow" + query, flow -> printer.print(flow));
            return 0;
        }
        JsonHttp http = new JsonHttp("flow-service", base, "is it running? 'make up' starts it");
        var body = http.get("/v1/flows" + query);
        List<Flow> flows = new ArrayList<>();
        for (var item : body.path("items")) {
            flows.add(JsonHttp.JSON.treeToValue(item, Flow.class));
        }
        printer.printAll(flows);
        return 0;
    }
}
