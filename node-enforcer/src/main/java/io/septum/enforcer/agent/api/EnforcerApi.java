package io.septum.enforcer.agent.api;

import io.septum.enforcer.agent.Reconciler;
import io.septum.enforcer.agent.api.LocalApiServer.ApiException;
import io.septum.enforcer.agent.api.LocalApiServer.Reply;
import io.septum.enforcer.agent.api.LocalApiServer.Request;
import io.septum.enforcer.agent.endpoints.EndpointStore;
import io.septum.enforcer.agent.endpoints.EndpointView;
import io.septum.enforcer.agent.endpoints.IdentityServiceClient;
import io.septum.enforcer.agent.endpoints.LocalEndpoint;
import io.septum.enforcer.datapath.Datapath;
import io.septum.model.kv.NamedPort;
import io.septum.model.labels.Labels;
import io.septum.model.net.Ipv4Cidr;
import io.septum.model.policy.FieldCursor;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The routes of the local API. Adding a pod: identity-service gives it an identity (and publishes its
 * address), the reconciler attaches the datapath and writes its policy, then the record is kept on disk;
 * the reply means the pod is enforced.
 */
public final class EnforcerApi {

    private static final String NAME = "([a-z0-9][-a-z0-9.]*)";

    /** Body of PUT /v1/endpoints/{namespace}/{pod}: how the CNI plugin wired the pod. */
    public record EndpointRequest(String interfaceName, String ip, Map<String, String> labels, List<NamedPort> namedPorts) {
    }

    /** Body of PUT /v1/endpoints/{namespace}/{pod}/labels. */
    public record LabelsRequest(Map<String, String> labels) {
    }

    private final String node;
    private final Reconciler reconciler;
    private final IdentityServiceClient identityService;
    private final EndpointStore store;
    private final Datapath datapath;
    private java.util.function.Supplier<String> moreMetrics = () -> "";

    public EnforcerApi(String node, Reconciler reconciler, IdentityServiceClient identityService, EndpointStore store, Datapath datapath) {
        this.node = node;
        this.reconciler = reconciler;
        this.identityService = identityService;
        this.store = store;
        this.datapath = datapath;
    }

    /** Metrics of other parts (the flow exporter), appended to /metrics in the same text format. */
    public EnforcerApi withMetrics(java.util.function.Supplier<String> more) {
        this.moreMetrics = more;
        return this;
    }

    public void register(LocalApiServer server) {
        server.route("PUT", "/v1/endpoints/" + NAME + "/" + NAME, this::putEndpoint)
                .route("DELETE", "/v1/endpoints/" + NAME + "/" + NAME, this::deleteEndpoint)
                .route("PUT", "/v1/endpoints/" + NAME + "/" + NAME + "/labels", this::putLabels)
                .route("GET", "/v1/endpoints", r -> Reply.json(200, Map.of("items", await(reconciler.endpointViews(), "list endpoints"))))
                .route("GET", "/v1/host", r -> Reply.json(200, await(reconciler.hostView(), "read host endpoint")
                        .orElseThrow(() -> new ApiException(404, "node " + node + " has no host endpoint (the enforcer was started without --host-interface)"))))
                .route("GET", "/v1/status", r -> Reply.json(200, await(reconciler.snapshot(), "read status")))
                .route("GET", "/v1/counters", r -> Reply.json(200, Map.of("items", datapath.metrics().read(), "eventLosses", datapath.eventLosses())))
                .route("GET", "/metrics", r -> Reply.text("text/plain; version=0.0.4", PrometheusMetrics.render(node,
                        datapath.metrics().read(), datapath.eventLosses(), await(reconciler.snapshot(), "read status")) + moreMetrics.get()))
                .route("GET", "/healthz", r -> {
                    Reconciler.Snapshot snapshot = await(reconciler.snapshot(), "read status");
                    if (!snapshot.synced()) {
                        throw new ApiException(503, "node " + node + " not ready: waiting for the cluster state from NATS");
                    }
                    return Reply.json(200, Map.of("node", node, "status", "ready"));
                });
    }

    private Reply putEndpoint(Request request) throws ApiException {
        String namespace = request.pathParameters().get(0);
        String pod = request.pathParameters().get(1);
        String operation = "add endpoint " + namespace + "/" + pod;
        EndpointRequest body = request.json(EndpointRequest.class, operation);
        validate(operation, body);
        LocalEndpoint spec = new LocalEndpoint(namespace, pod, body.interfaceName(), body.ip(),
                body.labels() == null ? Map.of() : body.labels(), body.namedPorts());
        return Reply.json(200, enforce(operation, spec));
    }

    private Reply putLabels(Request request) throws ApiException {
        String namespace = request.pathParameters().get(0);
        String pod = request.pathParameters().get(1);
        String operation = "relabel endpoint " + namespace + "/" + pod;
        LabelsRequest body = request.json(LabelsRequest.class, operation);
        Map<String, String> labels = body.labels() == null ? Map.of() : body.labels();
        validateLabels(operation, labels);
        LocalEndpoint current = await(reconciler.endpoint(namespace, pod), operation)
                .orElseThrow(() -> new ApiException(404, operation + ": no such endpoint on node " + node));
        return Reply.json(200, enforce(operation, current.withLabels(labels)));
    }

    private EndpointView enforce(String operation, LocalEndpoint spec) throws ApiException {
        IdentityServiceClient.RegisteredEndpoint registered;
        try {
            registered = identityService.putEndpoint(node, spec);
        } catch (IdentityServiceClient.IdentityServiceException e) {
            int status = e.status() == 0 ? 503 : e.status() >= 500 ? 502 : e.status();
            throw new ApiException(status, operation + ": " + e.getMessage());
        }
        // Recorded before it is enforced: a crash in between leaves a record the restarted enforcer reconciles.
        store.save(spec);
        return await(reconciler.upsertEndpoint(spec, registered.identity().id(), Labels.parse(registered.identity().labels())), operation);
    }

    private Reply deleteEndpoint(Request request) throws ApiException {
        String namespace = request.pathParameters().get(0);
        String pod = request.pathParameters().get(1);
        String operation = "remove endpoint " + namespace + "/" + pod;
        boolean existed = await(reconciler.removeEndpoint(namespace, pod), operation);
        store.delete(namespace, pod);
        try {
            identityService.deleteEndpoint(namespace, pod);
        } catch (IdentityServiceClient.IdentityServiceException e) {
            throw new ApiException(e.status() == 0 ? 503 : 502, operation + ": removed locally, but " + e.getMessage());
        }
        if (!existed) {
            throw new ApiException(404, operation + ": no such endpoint on node " + node);
        }
        return new Reply(204, "application/json", new byte[0]);
    }

    private static void validate(String operation, EndpointRequest body) throws ApiException {
        if (body.interfaceName() == null || body.interfaceName().isEmpty() || body.interfaceName().length() > 15) {
            throw new ApiException(400, operation + ": interfaceName: must be a network interface name of 1-15 characters");
        }
        if (body.ip() == null || !Ipv4Cidr.looksLikeIpv4(body.ip())) {
            throw new ApiException(400, operation + ": ip: must be an IPv4 address");
        }
        try {
            Ipv4Cidr.parseAddress(body.ip());
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, operation + ": ip: " + e.getMessage());
        }
        validateLabels(operation, body.labels() == null ? Map.of() : body.labels());
        if (body.namedPorts() != null) {
            for (int i = 0; i < body.namedPorts().size(); i++) {
                NamedPort port = body.namedPorts().get(i);
                if (port.port() < 1 || port.port() > 65535) {
                    throw new ApiException(400, operation + ": namedPorts[" + i + "].port: must be between 1 and 65535");
                }
            }
        }
    }

    private static void validateLabels(String operation, Map<String, String> labels) throws ApiException {
        for (var label : labels.entrySet()) {
            var problem = FieldCursor.labelKeyProblem(label.getKey()).or(() -> FieldCursor.labelValueProblem(label.getValue()));
            if (problem.isPresent()) {
                throw new ApiException(400, operation + ": labels." + label.getKey() + ": " + problem.get());
            }
        }
    }

    private static <T> T await(CompletableFuture<T> future, String operation) throws ApiException {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new ApiException(503, operation + ": " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new ApiException(503, operation + ": timed out after 30 s waiting for the reconciler");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, operation + ": interrupted");
        }
    }
}
