package io.septum.identity.allocation;

import io.quarkus.runtime.StartupEvent;
import io.septum.identity.api.ApiException;
import io.septum.identity.distribution.BucketChanges;
import io.septum.identity.distribution.Futures;
import io.septum.identity.distribution.PlainPool;
import io.septum.model.identity.ReservedIdentity;
import io.septum.model.labels.EndpointSelector;
import io.septum.model.labels.Labels;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The only allocator of security identities. The number of a label set is decided by PostgreSQL (the function
 * allocate_identities over a unique column), so every caller, on every replica, gets the same number for the same
 * identity-relevant labels. Allocation joins the caller's transaction, which must hold the shared bucket lock
 * ({@link io.septum.identity.distribution.BucketTransactions}); a new identity is added to the caller's bucket changes.
 */
@Singleton
public class IdentityAllocator {

    /** Identities read per query while scanning for a selector's matches. */
    private static final int SCAN_BATCH = 500;
    private static final String ALLOCATE = "SELECT labels, id, created FROM allocate_identities($1, $2)";
    /** An identity's use: since when it is marked unused (V6: a row of its own), how many endpoints refer to it. */
    private static final String USE = "(SELECT u.since FROM identity_unused AS u WHERE u.identity_id = i.id) AS unused_since, "
            + "(SELECT count(*) FROM endpoint AS e WHERE e.identity_id = i.id) AS endpoints";
    private static final String COLUMNS = "i.id, i.labels, " + USE;

    private static final Map<Labels, ReservedIdentity> RESERVED = Arrays.stream(ReservedIdentity.values())
            .collect(Collectors.toUnmodifiableMap(ReservedIdentity::labels, r -> r));

    private final IdentityLabelFilter filter;
    private final Pool pool;

    public IdentityAllocator(IdentityLabelFilter filter, PlainPool pool) {
        this.filter = filter;
        this.pool = pool.get();
    }

    /** The reserved identities are rows too, so that reads and the bucket rebuild treat them like any other. */
    void insertReservedAtStart(@Observes StartupEvent event) {
        Futures.await(insertReserved(pool), Duration.ofSeconds(60), "insert the reserved identities");
    }

    Future<Void> insertReserved(SqlClient client) {
        String rows = Arrays.stream(ReservedIdentity.values())
                .map(r -> "(" + r.id().value() + ", '" + IdentityLabels.of(r.labels()).canonical() + "')")
                .collect(Collectors.joining(", "));
        return client.query("INSERT INTO identity (id, labels) VALUES " + rows + " ON CONFLICT DO NOTHING").execute().mapEmpty();
    }

    /** The identity-relevant part of {@code labels}; a set with nothing relevant left is bad input (field labels). */
    public Labels relevant(Labels labels) {
        Labels relevant = filter.relevant(labels);
        if (relevant.isEmpty()) {
            throw ApiException.badRequest("labels", "no identity-relevant label left: septum.identity.label-rules drops every one of " + labels);
        }
        return relevant;
    }

    /** The reserved identity these exact (relevant) labels name, if any: never allocated, always there. */
    public static Optional<ReservedIdentity> reserved(Labels relevant) {
        return relevant.size() == 1 ? Optional.ofNullable(RESERVED.get(relevant)) : Optional.empty();
    }

    /**
     * The identities of identity-relevant label sets (by canonical text), allocating the new ones, in one statement of
     * the caller's transaction. With {@code reference} the caller is about to make endpoints refer to them: they stay
     * locked against collection until it commits. New identities are added to {@code changes}. Reserved sets must
     * have been answered before.
     */
    public Future<Map<String, Allocation>> allocate(SqlClient transaction, Collection<IdentityLabels> sets, boolean reference,
                                                 BucketChanges changes) {
        Map<String, IdentityLabels> byText = new LinkedHashMap<>();
        for (IdentityLabels set : sets) {
            byText.put(set.canonical(), set);
        }
        return transaction.preparedQuery(ALLOCATE).execute(Tuple.of(byText.keySet().toArray(String[]::new), reference))
                .map(rows -> {
                    Map<String, Allocation> out = new HashMap<>(byText.size() * 2);
                    for (Row row : rows) {
                        String text = row.getString("labels");
                        Identity identity = Identity.of(row.getInteger("id"), byText.get(text));
                        boolean created = row.getBoolean("created");
                        if (created) {
                            changes.putIdentity(identity.toRecord());
                        }
                        out.put(text, new Allocation(identity, created));
                    }
                    if (out.size() != byText.size()) {
                        throw new IllegalStateException("allocate_identities answered " + out.size() + " of " + byText.size() + " label sets");
                    }
                    return out;
                });
    }

    /** The identity with this number, with its use; null when there is none. */
    public Uni<Identity> find(int id) {
        return Futures.uni(() -> pool.preparedQuery("SELECT " + COLUMNS + " FROM identity AS i WHERE i.id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : read(rows.iterator().next())));
    }

    /** The identity of exactly these identity-relevant labels, with its use; null when they have none. Allocates nothing. */
    public Uni<Identity> lookup(IdentityLabels relevant) {
        return Futures.uni(() -> pool.preparedQuery("SELECT " + COLUMNS + " FROM identity AS i WHERE i.labels = $1")
                .execute(Tuple.of(relevant.canonical()))
                .map(rows -> rows.size() == 0 ? null : read(rows.iterator().next())));
    }

    private static Identity read(Row row) {
        return Identity.of(row.getInteger("id"), IdentityLabels.parse(row.getString("labels")))
                .withUse(row.getLong("endpoints").intValue(), instant(row.getOffsetDateTime("unused_since")));
    }

    /**
     * Up to {@code limit} identities with numbers above {@code after} that the selector matches, in number order,
     * and the number to continue after when more may follow.
     */
    public Uni<IdentityList> list(EndpointSelector selector, int limit, int after) {
        return Futures.uni(() -> scan(selector, limit, after, new ArrayList<>()).compose(this::withUse));
    }

    private Future<IdentityList> scan(EndpointSelector selector, int limit, int after, List<Identity> found) {
        return pool.preparedQuery("SELECT i.id, i.labels FROM identity AS i WHERE i.id > $1 ORDER BY i.id LIMIT $2")
                .execute(Tuple.of(after, SCAN_BATCH))
                .compose(rows -> {
                    int last = after;
                    for (Row row : rows) {
                        last = row.getInteger("id");
                        Identity identity = Identity.of(last, IdentityLabels.parse(row.getString("labels")));
                        if (selector.matches(Labels.parse(identity.labels()))) {
                            if (found.size() == limit) { // one more match: there is a next page
                                return Future.succeededFuture(new IdentityList(found, Integer.toString(found.getLast().id())));
                            }
                            found.add(identity);
                        }
                    }
                    if (rows.size() < SCAN_BATCH) {
                        return Future.succeededFuture(new IdentityList(found, null));
                    }
                    return scan(selector, limit, last, found);
                });
    }

    /** The page with each identity's use, read in one query. */
    private Future<IdentityList> withUse(IdentityList page) {
        if (page.items().isEmpty()) {
            return Future.succeededFuture(page);
        }
        Integer[] ids = page.items().stream().map(Identity::id).toArray(Integer[]::new);
        return pool.preparedQuery("SELECT i.id, " + USE + " FROM identity AS i WHERE i.id = ANY ($1)")
                .execute(Tuple.of(ids))
                .map(rows -> {
                    Map<Integer, Row> byId = new HashMap<>();
                    rows.forEach(row -> byId.put(row.getInteger("id"), row));
                    List<Identity> items = new ArrayList<>(page.items().size());
                    for (Identity identity : page.items()) {
                        Row row = byId.get(identity.id());
                        if (row == null) {
                            continue; // collected since the scan read it
                        }
                        items.add(identity.withUse(row.getLong("endpoints").intValue(), instant(row.getOffsetDateTime("unused_since"))));
                    }
                    return new IdentityList(items, page.continueToken());
                });
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
