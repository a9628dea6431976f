package io.septum.enforcer.agent;

import io.nats.client.Connection;
import io.septum.enforcer.agent.cluster.ClusterEvent;
import io.septum.enforcer.agent.cluster.ClusterWatch;
import io.septum.enforcer.agent.endpoints.IdentityServiceClient;
import io.septum.enforcer.agent.endpoints.LocalEndpoint;
import io.septum.enforcer.agent.leases.LeaseClient;
import io.septum.enforcer.agent.leases.LeaseRenewer;
import io.septum.enforcer.agent.leases.ReconcilerEndpoints;
import io.septum.enforcer.agent.status.StatusPublisher;
import io.septum.enforcer.agent.tracing.ChangeTracing;
import io.septum.enforcer.datapath.EnforcementMaps;
import io.septum.enforcer.datapath.Ipv4Prefix;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * The enforcer's control-plane loop, wired once: the bucket watch ({@link ClusterWatch}) feeds the {@link Reconciler},
 * whose passes write the maps and hand each snapshot to the {@link StatusPublisher} on {@code status.<node>}; the
 * {@link LeaseRenewer} keeps the node's endpoints alive in identity-service. {@link EnforcerMain} runs it on the
 * kernel's maps; the propagation benchmark's simulated enforcers run the same assembly on in-memory maps, so what the
 * benchmark measures cannot drift from what a node does.
 *
 * <p>Start order: {@link #adopt} (the reconciler thread, the endpoints recorded before a restart, the status reports),
 * then whatever must serve before the cluster arrives (the enforcer's local API), then {@link #watch}.
 */
public final class EnforcerAgent implements AutoCloseable {

    /**
     * What the loop is told at start.
     *
     * @param node                     this node's name, as endpoints and statuses carry it
     * @param nodeNetns                network namespace holding the host side of the pods' veths; empty: the process's own
     * @param allowFromHost            whether the node itself may always reach its pods
     * @param policyEntriesPerEndpoint most policy map entries one endpoint may use, at most the policy map's capacity
     * @param nodeAddresses            the cluster's node addresses with the identity this node gives each (see {@link Reconciler})
     * @param statusIntervalMillis     heartbeat of the status report
     */
    public record Settings(String node, String nodeNetns, boolean allowFromHost, int policyEntriesPerEndpoint,
                           Map<Ipv4Prefix, Integer> nodeAddresses, long statusIntervalMillis) {
        public Settings {
            nodeAddresses = Map.copyOf(nodeAddresses);
        }
    }

    /** Sees each bucket change as the watch hands it over and each pass's snapshot, on those threads; must not block. */
    public interface Observer {
        Observer NONE = new Observer() {
        };

        default void received(ClusterEvent event) {
        }

        default void applied(Reconciler.Snapshot snapshot) {
        }
    }

    private final StatusPublisher status;
    private final Reconciler reconciler;
    private final ClusterWatch watch;
    private final LeaseRenewer leases;

    public EnforcerAgent(Connection nats, EnforcementMaps maps, Settings settings, IdentityServiceClient identityService,
                         LeaseClient leaseClient, ChangeTracing tracing, Observer observer) {
        this.status = new StatusPublisher(nats, settings.node(), settings.statusIntervalMillis());
        this.reconciler = new Reconciler(maps, settings.nodeNetns(), settings.allowFromHost(), settings.policyEntriesPerEndpoint(),
                settings.nodeAddresses(), snapshot -> {
                    observer.applied(snapshot);
                    status.offer(snapshot);
                }).withTracing(tracing);
        this.watch = new ClusterWatch(nats, event -> {
            observer.received(event);
            reconciler.submit(event, tracing.received(event));
        });
        this.leases = new LeaseRenewer(settings.node(), leaseClient, new ReconcilerEndpoints(settings.node(), reconciler, identityService));
    }

    /**
     * Starts the reconciler, adopts the endpoints recorded before a restart (their maps are not touched until every
     * bucket has been read) and starts reporting status.
     */
    public void adopt(Collection<LocalEndpoint> recorded) throws InterruptedException, ExecutionException {
        reconciler.start();
        reconciler.adopt(recorded).get();
        status.start();
    }

    /** Renews the endpoints' leases and starts the three bucket watches (waiting for the buckets to exist). */
    public void watch() throws InterruptedException {
        leases.start();
        watch.start();
    }

    public Reconciler reconciler() {
        return reconciler;
    }

    /** Stops in the reverse order of the data: leases, watch, reconciler, status. The maps stay as they are. */
    @Override
    public void close() {
        leases.close();
        watch.close();
        reconciler.close();
        status.close();
    }
}
