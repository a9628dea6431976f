package io.septum.identity.namespaces;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Sort;
import io.septum.identity.api.ApiException;
import io.septum.identity.distribution.BucketTransactions;
import io.septum.model.identity.K8sIdentityLabels;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Namespaces and their labels, which are part of the identity of every endpoint in them. */
@ApplicationScoped
public class NamespaceRegistry {

    private final BucketTransactions transactions;
    private final NamespaceMembers members;

    public NamespaceRegistry(BucketTransactions transactions, NamespaceMembers members) {
        this.transactions = transactions;
        this.members = members;
    }

    /** The labels Kubernetes would store: the given ones plus kubernetes.io/metadata.name=name. */
    static Map<String, String> withMetadataName(String name, Map<String, String> labels) {
        Map<String, String> all = new HashMap<>(labels);
        all.put(K8sIdentityLabels.METADATA_NAME_LABEL, name);
        return all;
    }

    /**
     * Creates the namespace or replaces its labels. A change of labels re-identifies every endpoint in the
     * namespace, in this transaction, so the ipcache carries the new identities when this returns.
     */
    public Uni<Namespace> put(String name, Map<String, String> labels) {
        Map<String, String> stored = withMetadataName(name, labels);
        return transactions.run(changes -> NamespaceEntity.findForUpdate(name).chain(existing -> {
            if (existing == null) {
                NamespaceEntity created = new NamespaceEntity();
                created.name = name;
                created.labels = stored;
                return created.persist().map(e -> Namespace.of(created));
            }
            if (existing.labels.equals(stored)) {
                return Uni.createFrom().item(Namespace.of(existing));
            }
            existing.labels = stored;
            return members.relabel(name, stored, changes).map(done -> Namespace.of(existing));
        }));
    }

    public Uni<Namespace> find(String name) {
        return NamespaceEntity.<NamespaceEntity>findById(name).map(e -> e == null ? null : Namespace.of(e));
    }

    public Uni<List<Namespace>> list() {
        return NamespaceEntity.<NamespaceEntity>listAll(Sort.by("name")).map(all -> all.stream().map(Namespace::of).toList());
    }

    /** Deletes an empty namespace; one with endpoints is a conflict (their identities depend on it). */
    public Uni<Void> delete(String name) {
        return Panache.withTransaction(() -> NamespaceEntity.findForUpdate(name).chain(existing -> {
            if (existing == null) {
                return Uni.createFrom().failure(ApiException.notFound("namespace " + name + " does not exist"));
            }
            return members.count(name).chain(count -> count > 0
                    ? Uni.createFrom().failure(ApiException.conflict("namespace " + name + " still has " + count
                    + (count == 1 ? " endpoint" : " endpoints") + "; delete them first"))
                    : existing.delete());
        }));
    }
}
