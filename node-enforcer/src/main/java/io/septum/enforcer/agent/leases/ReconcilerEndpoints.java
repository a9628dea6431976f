package io.septum.enforcer.agent.leases;

import io.septum.enforcer.agent.Reconciler;
import io.septum.enforcer.agent.endpoints.EndpointView;
import io.septum.enforcer.agent.endpoints.IdentityServiceClient;
import io.septum.enforcer.agent.endpoints.LocalEndpoint;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The node's endpoints as the reconciler holds them. Registering one again only tells identity-service (which writes
 * its ipcache entry; the reconciler takes the endpoint's identity from the ipcache, so a new one reaches the maps that
 * way). A registration that raced with the endpoint's removal is taken back, and one that raced with a relabel is
 * made again with the current labels.
 */
public final class ReconcilerEndpoints implements NodeEndpoints {

    private static final int ATTEMPTS = 3;

    private final String node;
    private final Reconciler reconciler;
    private final IdentityServiceClient identityService;

    public ReconcilerEndpoints(String node, Reconciler reconciler, IdentityServiceClient identityService) {
        this.node = node;
        this.reconciler = reconciler;
        this.identityService = identityService;
    }

    @Override
    public List<String> keys() throws Exception {
        return reconciler.endpointViews().get(30, TimeUnit.SECONDS).stream()
                .map(view -> view.namespace() + "/" + view.pod())
                .toList();
    }

    @Override
    public void registerAgain(String key) throws Exception {
        int slash = key.indexOf('/');
        String namespace = key.substring(0, slash);
        String pod = key.substring(slash + 1);
        Optional<LocalEndpoint> spec = current(namespace, pod);
        for (int attempt = 0; attempt < ATTEMPTS && spec.isPresent(); attempt++) {
            identityService.putEndpoint(node, spec.get());
            Optional<LocalEndpoint> now = current(namespace, pod);
            if (now.isEmpty()) {
                identityService.deleteEndpoint(namespace, pod); // removed meanwhile: its delete may have come first
                return;
            }
            if (now.equals(spec)) {
                return;
            }
            spec = now; // relabelled meanwhile: register what the node has now
        }
    }

    private Optional<LocalEndpoint> current(String namespace, String pod) throws Exception {
        return reconciler.endpoint(namespace, pod).get(30, TimeUnit.SECONDS);
    }
}
