package io.septum.policy.explain;

import io.nats.client.Connection;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.septum.enforcer.agent.cluster.ClusterEvent;
import io.septum.enforcer.agent.cluster.ClusterWatch;
import io.septum.enforcer.controlplane.cluster.ClusterState;
import io.septum.model.kv.Buckets;
import io.septum.model.policy.PolicyRef;
import io.septum.policy.nats.ServiceConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The cluster as every enforcer sees it: the identities, ipcache and policies buckets watched with the
 * enforcer's own {@link ClusterWatch} into the enforcer's own {@link ClusterState}. ClusterState is owned by
 * one thread in an enforcer; here the watch threads and the requests share it under this object's lock.
 */
@ApplicationScoped
public class ClusterView {

    private static final Logger LOG = Logger.getLogger(ClusterView.class);

    @Inject
    @ServiceConnection
    Connection connection;

    private final ClusterState cluster = new ClusterState();
    /** Bucket key → the policy it holds, to remove it by key as the enforcer's reconciler does. */
    private final Map<String, PolicyRef> policyKeys = new HashMap<>();
    private final Set<String> synced = new HashSet<>();
    private ClusterWatch watch;
    private Thread starter;

    void start(@Observes StartupEvent event) {
        watch = new ClusterWatch(connection, this::apply);
        // start() waits until the buckets exist (identity-service creates two of them): not on the start-up thread.
        starter = Thread.ofPlatform().name("cluster-view-start").daemon().start(() -> {
            try {
                watch.start();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.errorf("watch the cluster buckets for explain: %s", e.getMessage());
            }
        });
    }

    void stop(@Observes ShutdownEvent event) {
        if (starter != null) {
            starter.interrupt();
        }
        if (watch != null) {
            watch.close();
        }
    }

    private synchronized void apply(ClusterEvent event) {
        switch (event) {
            case ClusterEvent.IdentityUpserted e -> cluster.upsertIdentity(e.id(), e.labels());
            case ClusterEvent.IdentityRemoved e -> cluster.removeIdentity(e.id());
            case ClusterEvent.IpcacheUpserted e -> cluster.upsertIpcache(e.record());
            case ClusterEvent.IpcacheRemoved e -> cluster.removeIpcache(e.prefix());
            case ClusterEvent.PolicyUpserted e -> {
                PolicyRef previous = policyKeys.put(e.key(), e.ref());
                if (previous != null && !previous.equals(e.ref())) {
                    cluster.removePolicy(previous);
                }
                cluster.upsertPolicy(e.rules());
            }
            case ClusterEvent.PolicyRemoved e -> {
                PolicyRef ref = policyKeys.remove(e.key());
                if (ref != null) {
                    cluster.removePolicy(ref);
                }
            }
            case ClusterEvent.Unreadable e -> LOG.warn(e.problem());
            case ClusterEvent.BucketSynced e -> synced.add(e.bucket());
        }
        // Nobody consumes the change sets here; drop them so they do not pile up.
        cluster.drainChanges();
    }

    /** True once the watch of each bucket has delivered the bucket's whole contents. */
    public synchronized boolean synced() {
        return synced.containsAll(Set.of(Buckets.IDENTITIES, Buckets.IPCACHE, Buckets.POLICIES));
    }

    /** Runs {@code read} on the current state, with no change applied meanwhile. */
    public synchronized <T> T read(Function<ClusterState, T> read) {
        return read.apply(cluster);
    }
}
