package io.septum.identity.allocation;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Sort;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.septum.identity.api.ApiException;
import io.septum.identity.distribution.BucketChanges;
import io.septum.model.identity.NumericIdentity;
import io.septum.model.identity.ReservedIdentity;
import io.septum.model.labels.EndpointSelector;
import io.septum.model.labels.Labels;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The only allocator of security identities. The number of a label set is decided by PostgreSQL (the function
 * allocate_identity over a unique column), so every caller, on every replica, gets the same number for the same
 * identity-relevant labels. Allocation joins the caller's transaction, which must hold the shared
 * {@link io.septum.identity.distribution.BucketWriteLock}; a new identity is added to the caller's bucket changes.
 */
@ApplicationScoped
public class IdentityAllocator {

    /** Identities read per query while scanning for a selector's matches. */
    private static final int SCAN_BATCH = 500;

    private final IdentityLabelFilter filter;

    public IdentityAllocator(IdentityLabelFilter filter) {
        this.filter = filter;
    }

    /** The reserved identities are rows too, so that reads and the bucket rebuild treat them like any other. */
    void insertReservedAtStart(@Observes StartupEvent event) throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(this::insertReserved));
    }

    Uni<Void> insertReserved() {
        String rows = Arrays.stream(ReservedIdentity.values())
                .map(r -> "(" + r.id().value() + ", '" + IdentityEntity.canonical(r.labels()) + "')")
                .collect(Collectors.joining(", "));
        return Panache.getSession()
                .chain(session -> session.createNativeQuery("insert into identity (id, labels) values " + rows
                        + " on conflict do nothing").executeUpdate())
                .replaceWithVoid();
    }

    /**
     * The identity of the identity-relevant part of {@code labels}, allocated when new. Exactly the labels of a
     * reserved identity give that identity.
     */
    public Uni<Allocation> allocate(Labels labels, BucketChanges changes) {
        Labels relevant = filter.relevant(labels);
        if (relevant.isEmpty()) {
            return Uni.createFrom().failure(ApiException.badRequest("labels",
                    "no identity-relevant label left: septum.identity.label-rules drops every one of " + labels));
        }
        for (ReservedIdentity reserved : ReservedIdentity.values()) {
            if (reserved.labels().equals(relevant)) {
                return Uni.createFrom().item(new Allocation(Identity.of(reserved), false));
            }
        }
        return Panache.getSession()
                .chain(session -> session.createNativeQuery("select id, created from allocate_identity(:labels)", Object[].class)
                        .setParameter("labels", IdentityEntity.canonical(relevant))
                        .getSingleResult())
                .map(row -> {
                    Identity identity = Identity.of(NumericIdentity.of((Integer) row[0]), relevant);
                    boolean created = (Boolean) row[1];
                    if (created) {
                        changes.putIdentity(identity.toRecord());
                    }
                    return new Allocation(identity, created);
                });
    }

    public Uni<Identity> find(int id) {
        return IdentityEntity.<IdentityEntity>findById(id).map(entity -> entity == null ? null : Identity.of(entity));
    }

    /**
     * Up to {@code limit} identities with numbers above {@code after} that the selector matches, in number order,
     * and the number to continue after when more may follow.
     */
    public Uni<IdentityList> list(EndpointSelector selector, int limit, int after) {
        return scan(selector, limit, after, new ArrayList<>());
    }

    private Uni<IdentityList> scan(EndpointSelector selector, int limit, int after, List<Identity> found) {
        return IdentityEntity.<IdentityEntity>find("id > ?1", Sort.by("id"), after).range(0, SCAN_BATCH - 1).list()
                .chain(batch -> {
                    for (IdentityEntity entity : batch) {
                        if (selector.matches(entity.labelSet())) {
                            if (found.size() == limit) { // one more match: there is a next page
                                return Uni.createFrom().item(new IdentityList(found, Integer.toString(found.getLast().id())));
                            }
                            found.add(Identity.of(entity));
                        }
                    }
                    if (batch.size() < SCAN_BATCH) {
                        return Uni.createFrom().item(new IdentityList(found, null));
                    }
                    return scan(selector, limit, batch.getLast().id, found);
                });
    }
}
