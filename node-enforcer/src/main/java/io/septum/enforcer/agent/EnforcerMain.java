package io.septum.enforcer.agent;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.septum.auth.token.SigningKeys;
import io.septum.auth.token.TokenVerifier;
import io.septum.enforcer.agent.api.BearerWriteGuard;
import io.septum.enforcer.agent.api.EnforcerApi;
import io.septum.enforcer.agent.api.LocalApiServer;
import io.septum.enforcer.agent.auth.BearerToken;
import io.septum.enforcer.agent.endpoints.EndpointStore;
import io.septum.enforcer.agent.endpoints.HostEndpoint;
import io.septum.enforcer.agent.endpoints.IdentityServiceClient;
import io.septum.enforcer.agent.flows.EventModeApi;
import io.septum.enforcer.agent.flows.FlowExporter;
import io.septum.enforcer.agent.flows.FlowExporterMetrics;
import io.septum.enforcer.agent.leases.LeaseClient;
import io.septum.enforcer.agent.tracing.ChangeTracing;
import io.septum.enforcer.datapath.Datapath;
import io.septum.enforcer.datapath.DatapathConfig;
import io.septum.enforcer.datapath.EventMode;
import io.septum.enforcer.datapath.FlowEventReader;
import io.septum.enforcer.datapath.Ipv4Prefix;
import io.septum.enforcer.datapath.libbpf.MonotonicClock;
import io.septum.model.identity.ReservedIdentity;
import io.septum.model.policy.FieldCursor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/**
 * The node enforcer process: opens (or re-opens) the pinned datapath, adopts the endpoints it had, watches
 * the cluster over NATS, serves the local endpoint API, and reports its status. Stopping it leaves the
 * programs attached and the maps pinned: enforcement goes on until a new enforcer takes over.
 */
@Command(name = "septum-enforcer", mixinStandardHelpOptions = true,
        description = "Septum node enforcer: enforces identity-based network policy on this node's pods with eBPF.")
public final class EnforcerMain implements Callable<Integer> {

    private static final Logger LOG = Logger.getLogger(EnforcerMain.class.getName());

    @Option(names = "--node", required = true, description = "This node's name, e.g. node-0.")
    String node;

    @Option(names = "--node-netns", defaultValue = "", description = "Network namespace holding the host side of the pods' veths (the lab's node namespace); empty = the enforcer's own.")
    String nodeNetns;

    @Option(names = "--nats", defaultValue = "${env:SEPTUM_NATS_URL:-nats://127.0.0.1:4222}", description = "NATS server URL (default: ${DEFAULT-VALUE}).")
    String natsUrl;

    @Option(names = "--identity-url", defaultValue = "${env:SEPTUM_IDENTITY_URL:-http://127.0.0.1:8081}", description = "identity-service base URL (default: ${DEFAULT-VALUE}).")
    URI identityUrl;

    @Option(names = "--token-file", defaultValue = "${env:SEPTUM_TOKEN_FILE}",
            description = "File holding this node's bearer token (role enforcer, this node) for identity-service; read on every call.")
    Path tokenFile;

    @Option(names = "--auth-public-key", defaultValue = "${env:SEPTUM_AUTH_PUBLIC_KEY}",
            description = "PEM public key the local API verifies bearer tokens with (the services' key); writes then need "
                    + "septum-admin or this node's enforcer token. None: writes are accepted from anyone on loopback.")
    Path authPublicKey;

    @Option(names = "--nats-user", description = "NATS user of this node (enforcer-<node> in infra/auth.sh's users); none: connect without one.")
    String natsUser;

    @Option(names = "--nats-password-file", description = "File holding the NATS user's password.")
    Path natsPasswordFile;

    @Option(names = "--api-host", defaultValue = "127.0.0.1", description = "Address of the local endpoint API (default: ${DEFAULT-VALUE}).")
    String apiHost;

    @Option(names = "--api-port", defaultValue = "9870", description = "Port of the local endpoint API (default: ${DEFAULT-VALUE}).")
    int apiPort;

    @Option(names = "--pin-dir", required = true, description = "bpffs directory for this node's pinned maps, e.g. /sys/fs/bpf/septum/lab/node-0.")
    Path pinDirectory;

    @Option(names = "--state-dir", required = true, description = "Directory for the records of this node's endpoints.")
    Path stateDirectory;

    @Option(names = "--allow-from-host", defaultValue = "true", negatable = true, fallbackValue = "true",
            description = "Let the node itself always reach its pods, as kubelet health checks need (default: ${DEFAULT-VALUE}).")
    boolean allowFromHost;

    @Option(names = "--host-address", paramLabel = "CIDR",
            description = "An address (or prefix) of this node: the datapath gives its traffic the host identity (repeatable).")
    List<String> hostAddresses = new ArrayList<>();

    @Option(names = "--host-interface", paramLabel = "NAME",
            description = "The node's uplink (in --node-netns): makes the node a host endpoint that host policies (a cluster-wide "
                    + "policy's nodeSelector) select, judged there and on its pods' veths; needs a --host-address. None: the node's "
                    + "own traffic is not judged.")
    String hostInterface;

    @Option(names = "--node-label", paramLabel = "KEY=VALUE",
            description = "A label of this node, which nodeSelector matches (repeatable; with --host-interface).")
    List<String> nodeLabels = new ArrayList<>();

    @Option(names = "--remote-node-address", paramLabel = "CIDR",
            description = "An address (or prefix) of another node of the cluster: its traffic gets the remote-node identity (repeatable).")
    List<String> remoteNodeAddresses = new ArrayList<>();

    @Option(names = "--ring-buffer-bytes", defaultValue = "1048576", description = "Size of the flow event ring buffer (default: ${DEFAULT-VALUE}).")
    int ringBufferBytes;

    @Option(names = "--flow-events", defaultValue = "${env:SEPTUM_FLOW_EVENTS:-connections}", converter = EventModeConverter.class,
            description = "Which packets emit flow events: off, connections (one per new connection and per drop) or packets "
                    + "(every packet: trace mode); switchable at run time with PUT /v1/flows/mode (default: ${DEFAULT-VALUE}).")
    EventMode flowEvents;

    @Option(names = "--flow-batch-events", defaultValue = "1000", description = "Most flow events per NATS message on flows.<node> (default: ${DEFAULT-VALUE}).")
    int flowBatchEvents;

    @Option(names = "--flow-batch-ms", defaultValue = "50", description = "Longest a flow event waits for its batch to fill, in ms (default: ${DEFAULT-VALUE}).")
    long flowBatchMillis;

    @Option(names = "--policy-map-entries", defaultValue = "1048576",
            description = "Capacity of the policy map, shared by all of this node's endpoints; applies when the map is created "
                    + "(a pinned map keeps its size) (default: ${DEFAULT-VALUE}).")
    int policyMapEntries;

    @Option(names = "--policy-entries-per-endpoint", defaultValue = "65536",
            description = "Most policy map entries one endpoint may use, at most --policy-map-entries; an endpoint whose policy "
                    + "needs more keeps its previous policy and reports why (default: ${DEFAULT-VALUE}).")
    int policyEntriesPerEndpoint;

    @Option(names = "--zipkin-endpoint", defaultValue = "${env:SEPTUM_ZIPKIN_ENDPOINT}",
            description = "Zipkin v2 spans endpoint (e.g. http://127.0.0.1:9411/api/v2/spans): trace each policy change "
                    + "(receive, compute, map write) in the trace policy-service started; none: no tracing.")
    String zipkinEndpoint;

    @Option(names = "--status-interval", defaultValue = "2s", converter = DurationConverter.class, description = "Status heartbeat (default: ${DEFAULT-VALUE}).")
    Duration statusInterval;

    /** The node addresses given as options, each with the identity this node gives it. */
    private Map<Ipv4Prefix, Integer> nodeAddresses() {
        Map<Ipv4Prefix, Integer> out = new HashMap<>();
        for (String address : remoteNodeAddresses) {
            out.put(nodePrefix("--remote-node-address", address), ReservedIdentity.REMOTE_NODE.id().value());
        }
        for (String address : hostAddresses) {
            out.put(nodePrefix("--host-address", address), ReservedIdentity.HOST.id().value());
        }
        return out;
    }

    /** The host endpoint the options describe, if any; its address is the first --host-address. */
    private Optional<HostEndpoint> hostEndpoint() {
        if (hostInterface == null || hostInterface.isBlank()) {
            if (!nodeLabels.isEmpty()) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--node-label: needs --host-interface (labels are the host endpoint's)");
            }
            return Optional.empty();
        }
        if (hostAddresses.isEmpty()) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--host-interface: needs a --host-address (the node's own address)");
        }
        Map<String, String> labels = new TreeMap<>();
        for (String label : nodeLabels) {
            int eq = label.indexOf('=');
            String key = eq < 0 ? label : label.substring(0, eq);
            Optional<String> problem = FieldCursor.labelKeyProblem(key).or(() -> FieldCursor.labelValueProblem(eq < 0 ? "" : label.substring(eq + 1)));
            if (problem.isPresent()) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--node-label: '" + label + "': " + problem.get());
            }
            labels.put(key, eq < 0 ? "" : label.substring(eq + 1));
        }
        String address = hostAddresses.getFirst();
        return Optional.of(new HostEndpoint(hostInterface, address.contains("/") ? address.substring(0, address.indexOf('/')) : address, labels));
    }

    private Ipv4Prefix nodePrefix(String option, String address) {
        try {
            return Ipv4Prefix.parse(address.contains("/") ? address : address + "/32");
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), option + ": '" + address + "' is not an IPv4 address or prefix");
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new EnforcerMain()).execute(args));
    }

    @Override
    @SuppressWarnings("try") // the flow event reader is held open for the process's lifetime, never called
    public Integer call() throws Exception {
        EnforcerConfig config = new EnforcerConfig(node, nodeNetns, natsUrl, identityUrl, apiHost, apiPort, pinDirectory,
                stateDirectory, allowFromHost, statusInterval.toMillis());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "shutdown"));
        if (policyEntriesPerEndpoint <= 0 || policyEntriesPerEndpoint > policyMapEntries) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--policy-entries-per-endpoint must be 1.."
                    + policyMapEntries + " (--policy-map-entries), not " + policyEntriesPerEndpoint);
        }
        BearerToken token = new BearerToken(Optional.ofNullable(tokenFile));
        IdentityServiceClient identityService = new IdentityServiceClient(config.identityUrl(), token);
        Options.Builder natsOptions = natsOptions(config);
        if (natsUser != null) {
            // The server refuses this node any subject but its own status and flows, and any bucket write.
            natsOptions.userInfo(natsUser, natsPassword());
        }
        Connection nats = Nats.connectReconnectOnConnect(natsOptions.build());
        try (ChangeTracing tracing = zipkinEndpoint == null || zipkinEndpoint.isBlank() ? ChangeTracing.off()
                : ChangeTracing.zipkin(zipkinEndpoint, nats, config.node());
             Datapath datapath = Datapath.open(new DatapathConfig(config.pinDirectory(), ringBufferBytes, policyMapEntries));
             EnforcerAgent agent = new EnforcerAgent(nats, datapath, new EnforcerAgent.Settings(config.node(), config.nodeNetns(),
                     config.allowFromHost(), Math.min(policyEntriesPerEndpoint, datapath.policy().capacity()), nodeAddresses(),
                     config.statusIntervalMillis()), identityService, new LeaseClient(config.identityUrl(), token), tracing,
                     EnforcerAgent.Observer.NONE);
             FlowExporter flows = new FlowExporter(nats, config.node(), flowBatchEvents, flowBatchMillis, 256,
                     MonotonicClock.nanos(), datapath::eventLosses).start();
             FlowEventReader events = datapath.openEvents(flows);
             LocalApiServer api = localApi()) {
            datapath.setEventMode(flowEvents);
            EndpointStore store = new EndpointStore(config.stateDirectory());
            hostEndpoint().ifPresent(agent.reconciler()::withHost); // before the reconciler thread starts
            agent.adopt(store.loadAll());
            new EnforcerApi(config.node(), agent.reconciler(), identityService, store, datapath)
                    .withMetrics(() -> FlowExporterMetrics.render(config.node(), flows.stats())).register(api);
            FlowExporterMetrics.registerStatus(api, flows);
            EventModeApi.register(api, datapath);
            api.start(config.apiHost(), config.apiPort());
            LOG.info("node " + config.node() + " enforcer: API on " + config.apiHost() + ":" + api.port() + ", maps pinned in "
                    + config.pinDirectory());
            agent.watch();
            stopped.await();
            LOG.info("stopping; programs stay attached and maps pinned, so enforcement continues");
        } finally {
            nats.close();
        }
        return 0;
    }

    private LocalApiServer localApi() {
        LocalApiServer api = new LocalApiServer();
        if (authPublicKey == null) {
            LOG.warning("the local API accepts endpoint changes without a token (no --auth-public-key)");
            return api;
        }
        return api.guardWrites(new BearerWriteGuard(TokenVerifier.local(SigningKeys.readPublic(authPublicKey)), node));
    }

    private String natsPassword() throws IOException {
        if (natsPasswordFile == null) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--nats-user needs --nats-password-file");
        }
        try {
            return Files.readString(natsPasswordFile).strip();
        } catch (IOException e) {
            throw new IOException("read the NATS password of " + natsUser + " from " + natsPasswordFile + ": " + e, e);
        }
    }

    private static Options.Builder natsOptions(EnforcerConfig config) {
        return new Options.Builder()
                .server(config.natsUrl())
                .connectionName("septum-enforcer-" + config.node())
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(500))
                .connectionListener((connection, event) -> {
                    if (event != ConnectionListener.Events.RESUBSCRIBED) {
                        LOG.info("NATS " + event.name().toLowerCase(java.util.Locale.ROOT) + " (" + config.natsUrl() + ")");
                    }
                });
    }

    /** Parses durations like 500ms, 2s, 1m. */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim();
            if (v.endsWith("ms")) return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            if (v.endsWith("s")) return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            if (v.endsWith("m")) return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (e.g. 500ms, 2s, 1m)");
        }
    }

    /** off, connections or packets, in any case. */
    public static final class EventModeConverter implements CommandLine.ITypeConverter<EventMode> {
        @Override
        public EventMode convert(String value) {
            try {
                return EventMode.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
