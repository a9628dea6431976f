package io.septum.identity.endpoints;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.septum.identity.allocation.Allocation;
import io.septum.identity.allocation.IdentityAllocator;
import io.septum.identity.allocation.IdentityEntity;
import io.septum.identity.api.ApiException;
import io.septum.identity.distribution.BucketChanges;
import io.septum.identity.distribution.BucketTransactions;
import io.septum.identity.namespaces.NamespaceEntity;
import io.septum.identity.namespaces.NamespaceMembers;
import io.septum.model.identity.K8sIdentityLabels;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Endpoints: each pod's address, node and identity, mirrored into the ipcache bucket. An endpoint's identity is
 * that of its pod labels together with its namespace and the namespace's labels, so it changes when either does.
 */
@ApplicationScoped
public class EndpointRegistry implements NamespaceMembers {

    private final IdentityAllocator allocator;
    private final BucketTransactions transactions;

    public EndpointRegistry(IdentityAllocator allocator, BucketTransactions transactions) {
        this.allocator = allocator;
        this.transactions = transactions;
    }

    /**
     * Creates or updates the endpoint and its ipcache entry (moving the entry when the address changed). The
     * namespace must exist; an address held by another endpoint is a conflict.
     */
    public Uni<Endpoint> put(String namespace, String pod, EndpointSpec spec) {
        String key = namespace + "/" + pod;
        return transactions.run(changes -> NamespaceEntity.findForShare(namespace).chain(ns -> {
            if (ns == null) {
                return Uni.createFrom().failure(ApiException.notFound("namespace " + namespace + " does not exist"));
            }
            return EndpointEntity.<EndpointEntity>find("ip = ?1 and (namespace <> ?2 or pod <> ?3)", spec.ip(), namespace, pod)
                    .firstResult()
                    .chain(holder -> holder != null
                            ? Uni.createFrom().failure(ipTaken(spec.ip(), holder.namespace + "/" + holder.pod))
                            : EndpointEntity.findForUpdate(namespace, pod))
                    .chain(existing -> allocator.allocate(K8sIdentityLabels.forPod(namespace, spec.labels(), ns.labels), changes)
                            .chain(allocation -> store(existing, namespace, pod, spec, allocation, changes)));
        })).onFailure(e -> violates(e, "endpoint_ip_key")).transform(e -> ipTaken(spec.ip(), "another endpoint"))
                .onFailure(e -> violates(e, "endpoint_pod_key")).transform(e -> ApiException.conflict(
                        "endpoint " + key + " was created by a concurrent request; retry"));
    }

    private Uni<Endpoint> store(EndpointEntity existing, String namespace, String pod, EndpointSpec spec,
                                Allocation allocation, BucketChanges changes) {
        EndpointEntity entity = existing != null ? existing : new EndpointEntity();
        boolean changed = existing == null
                || !existing.ip.equals(spec.ip())
                || !existing.node.equals(spec.node())
                || !existing.namedPorts.equals(spec.namedPorts())
                || !existing.identity.id.equals(allocation.identity().id());
        if (existing != null && !existing.ip.equals(spec.ip())) {
            changes.deleteIpcache(EndpointEntity.prefix(existing.ip));
        }
        entity.namespace = namespace;
        entity.pod = pod;
        entity.node = spec.node();
        entity.ip = spec.ip();
        entity.labels = spec.labels();
        entity.namedPorts = spec.namedPorts();
        if (changed) {
            changes.putIpcache(entity.ipcacheRecord(allocation.identity().id()));
        }
        return identityReference(allocation.identity().id())
                .invoke(identity -> entity.identity = identity)
                .chain(() -> existing == null ? entity.persist() : Uni.createFrom().item(entity))
                .map(done -> Endpoint.of(entity, allocation.identity()));
    }

    private static Uni<IdentityEntity> identityReference(int id) {
        return Panache.getSession().map(session -> session.getReference(IdentityEntity.class, id));
    }

    /** Deletes the endpoint and its ipcache entry; its identity stays (unused identities are collected later). */
    public Uni<Void> delete(String namespace, String pod) {
        return transactions.run(changes -> EndpointEntity.findForUpdate(namespace, pod).chain(existing -> {
            if (existing == null) {
                return Uni.createFrom().failure(ApiException.notFound("endpoint " + namespace + "/" + pod + " does not exist"));
            }
            changes.deleteIpcache(EndpointEntity.prefix(existing.ip));
            return existing.delete();
        }));
    }

    public Uni<Endpoint> find(String namespace, String pod) {
        return EndpointEntity.findWithIdentity(namespace, pod).map(e -> e == null ? null : Endpoint.of(e));
    }

    /** All endpoints by namespace and pod, or those of one node. */
    public Uni<List<Endpoint>> list(String node) {
        String query = "from EndpointEntity e join fetch e.identity"
                + (node == null ? "" : " where e.node = ?1") + " order by e.namespace, e.pod";
        Object[] params = node == null ? new Object[0] : new Object[]{node};
        return EndpointEntity.<EndpointEntity>list(query, params).map(all -> all.stream().map(Endpoint::of).toList());
    }

    @Override
    public Uni<Long> count(String namespace) {
        return EndpointEntity.count("namespace", namespace);
    }

    @Override
    public Uni<Void> relabel(String namespace, Map<String, String> namespaceLabels, BucketChanges changes) {
        return EndpointEntity.<EndpointEntity>find("namespace = ?1 order by pod", namespace)
                .withLock(LockModeType.PESSIMISTIC_WRITE).list()
                .onItem().transformToMulti(endpoints -> Multi.createFrom().iterable(endpoints))
                .onItem().transformToUniAndConcatenate(endpoint -> allocator
                        .allocate(K8sIdentityLabels.forPod(namespace, endpoint.labels, namespaceLabels), changes)
                        .chain(allocation -> reidentify(endpoint, allocation, changes)))
                .collect().last()
                .replaceWithVoid();
    }

    private static Uni<Void> reidentify(EndpointEntity endpoint, Allocation allocation, BucketChanges changes) {
        int id = allocation.identity().id();
        if (Objects.equals(endpoint.identity.id, id)) {
            return Uni.createFrom().voidItem();
        }
        changes.putIpcache(endpoint.ipcacheRecord(id));
        return identityReference(id).invoke(identity -> endpoint.identity = identity).replaceWithVoid();
    }

    private static ApiException ipTaken(String ip, String holder) {
        return ApiException.conflict("ip " + ip + " is held by " + (holder.contains("/") ? "endpoint " + holder : holder));
    }

    /** Whether the failure is PostgreSQL refusing a row because of the named constraint. */
    private static boolean violates(Throwable failure, String constraint) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof org.hibernate.exception.ConstraintViolationException c && constraint.equals(c.getConstraintName())) {
                return true;
            }
            if (t instanceof io.vertx.pgclient.PgException pg && constraint.equals(pg.getConstraint())) {
                return true;
            }
        }
        return false;
    }
}
