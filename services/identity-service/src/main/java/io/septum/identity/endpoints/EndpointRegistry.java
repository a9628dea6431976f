package io.septum.identity.endpoints;

import io.septum.identity.allocation.Allocation;
import io.septum.identity.allocation.IdentityAllocator;
import io.septum.identity.allocation.IdentityConfig;
import io.septum.identity.allocation.Identity;
import io.septum.identity.allocation.IdentityLabels;
import io.septum.identity.api.ApiException;
import io.septum.identity.distribution.BucketChanges;
import io.septum.identity.distribution.BucketTransactions;
import io.septum.identity.distribution.Futures;
import io.septum.identity.distribution.Outcome;
import io.septum.identity.distribution.PlainPool;
import io.septum.identity.distribution.SharedTransactions;
import io.septum.identity.distribution.SharedTransactions.Answer;
import io.septum.identity.namespaces.KnownNamespaces;
import io.septum.identity.namespaces.LabelsColumn;
import io.septum.identity.namespaces.NamespaceMembers;
import io.septum.model.identity.K8sIdentityLabels;
import io.septum.model.kv.IpcacheRecord;
import io.septum.model.kv.NamedPort;
import io.septum.model.labels.Labels;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Endpoints: each pod's address, node and identity, mirrored into the ipcache bucket. An endpoint's identity is
 * that of its pod labels together with its namespace and the namespace's labels, so it changes when either does.
 * Registering an endpoint (PUT) starts its lease afresh; its node's lease renewals keep it after that.
 */
@Singleton
public class EndpointRegistry implements NamespaceMembers {

    /** How often a put starts over because another replica changed the namespace's labels meanwhile. */
    private static final int NAMESPACE_RETRIES = 5;
    private static final String PUT = "SELECT * FROM put_endpoint($1, $2, $3, $4, $5, $6, $7, $8, make_interval(secs => $9))";
    private static final String SELECT = "SELECT e.namespace, e.pod, e.node, e.ip, e.labels, e.named_ports, e.identity_id, "
            + "i.labels AS identity_labels, greatest(e.registered_at, l.renewed_at) + make_interval(secs => $1) AS lease_expires_at "
            + "FROM endpoint AS e JOIN identity AS i ON i.id = e.identity_id LEFT JOIN node_lease AS l ON l.node = e.node ";

    /** An endpoint of a namespace being relabelled, with its identity-relevant labels under the new namespace labels. */
    private record Member(Row row, IdentityLabels relevant) {
    }

    /** The namespace's labels were not what the put assumed: it starts over with these. */
    private static final class NamespaceChanged extends RuntimeException {
        private final transient Map<String, String> labels;

        NamespaceChanged(Map<String, String> labels) {
            super("namespace labels changed", null, false, false);
            this.labels = labels;
        }
    }

    private final IdentityAllocator allocator;
    private final BucketTransactions transactions;
    private final SharedTransactions shared;
    private final KnownNamespaces namespaces;
    private final Pool pool;
    private final double leaseSeconds;

    public EndpointRegistry(IdentityAllocator allocator, BucketTransactions transactions, SharedTransactions shared,
                            KnownNamespaces namespaces, PlainPool pool, IdentityConfig config) {
        this.allocator = allocator;
        this.transactions = transactions;
        this.shared = shared;
        this.namespaces = namespaces;
        this.pool = pool.get();
        this.leaseSeconds = config.lease().duration().toMillis() / 1000.0;
    }

    /**
     * Creates or updates the endpoint and its ipcache entry (moving the entry when the address changed). The
     * namespace must exist; an address held by another endpoint is a conflict.
     */
    public Uni<Endpoint> put(String namespace, String pod, EndpointSpec spec) {
        return Outcome.uni(outcome -> put(namespace, pod, spec, outcome));
    }

    /** As {@link #put(String, String, EndpointSpec)}, the outcome handed to {@code outcome} when its transaction ends. */
    public void put(String namespace, String pod, EndpointSpec spec, Outcome<Endpoint> outcome) {
        put(namespace, pod, spec, namespaces.labels(namespace), 0, (endpoint, failure) -> outcome.answer(endpoint,
                violates(failure, "endpoint_ip_key") ? ipTaken(spec.ip(), "another endpoint")
                        : violates(failure, "endpoint_pod_key") ? ApiException.conflict(
                        "endpoint " + namespace + "/" + pod + " was created by a concurrent request; retry")
                        : failure));
    }

    private void put(String namespace, String pod, EndpointSpec spec, Map<String, String> namespaceLabels, int attempt,
                     Outcome<Endpoint> outcome) {
        IdentityLabels relevant;
        String namedPorts;
        Tuple arguments;
        try {
            // unknown namespace labels: the first round only learns them
            relevant = namespaceLabels == null ? null
                    : IdentityLabels.of(allocator.relevant(K8sIdentityLabels.forPod(namespace, spec.labels(), namespaceLabels)));
            namedPorts = NamedPortsJson.write(spec.namedPorts());
            arguments = Tuple.tuple().addString(namespace).addString(pod).addString(spec.node()).addString(spec.ip())
                    .addValue(LabelsColumn.write(spec.labels()))
                    .addString(namedPorts)
                    .addValue(namespaceLabels == null ? null : LabelsColumn.write(namespaceLabels))
                    .addString(relevant == null ? null : relevant.canonical())
                    .addDouble(leaseSeconds);
        } catch (RuntimeException e) {
            outcome.answer(null, e);
            return;
        }
        // shared transactions take writes in the order of the identity they lock (see SharedTransactions)
        shared.run(relevant == null ? "" : relevant.canonical(), (connection, changes) -> connection.preparedQuery(PUT).execute(arguments)
                .map(rows -> Answer.of(() -> stored(rows.iterator().next(), namespace, pod, spec, relevant, namedPorts, changes),
                        e -> e instanceof ApiException || e instanceof NamespaceChanged)), (endpoint, failure) -> {
            if (!(failure instanceof NamespaceChanged changed)) {
                outcome.answer(endpoint, failure);
                return;
            }
            namespaces.remember(namespace, changed.labels);
            if (attempt >= NAMESPACE_RETRIES) {
                outcome.answer(null, ApiException.conflict("the labels of namespace " + namespace
                        + " kept changing while the endpoint was stored; retry"));
                return;
            }
            put(namespace, pod, spec, changed.labels, attempt + 1, outcome);
        });
    }

    /** The endpoint as put_endpoint stored it, with the bucket writes that implies; or the failure it reported. */
    private Endpoint stored(Row row, String namespace, String pod, EndpointSpec spec, IdentityLabels relevant, String namedPorts,
                            BucketChanges changes) {
        switch (row.getString("outcome")) {
            case "no-namespace" -> {
                namespaces.forget(namespace);
                throw ApiException.notFound("namespace " + namespace + " does not exist");
            }
            case "namespace-changed" -> throw new NamespaceChanged(LabelsColumn.read(row.getJsonObject("namespace_labels")));
            case "ip-taken" -> throw ipTaken(spec.ip(), "endpoint " + row.getString("ip_holder"));
            case "ok" -> {
                // stored below
            }
            default -> throw new IllegalStateException("put_endpoint answered '" + row.getString("outcome") + "'");
        }
        int id = row.getInteger("identity_id");
        Identity identity = Identity.of(id, relevant);
        if (row.getBoolean("identity_created")) {
            changes.putIdentity(identity.toRecord());
        }
        boolean existed = row.getBoolean("existed");
        String oldIp = row.getString("old_ip");
        if (existed && !oldIp.equals(spec.ip())) {
            changes.deleteIpcache(prefix(oldIp));
        }
        boolean changed = !existed
                || !oldIp.equals(spec.ip())
                || !spec.node().equals(row.getString("old_node"))
                || !namedPorts.equals(row.getString("old_named_ports"))
                || id != row.getInteger("old_identity_id");
        if (changed) {
            changes.putIpcache(ipcacheRecord(spec.ip(), id, spec.node(), namespace, pod, spec.namedPorts()));
        }
        return new Endpoint(namespace, pod, spec.node(), spec.ip(), spec.labels(), spec.namedPorts(), identity,
                row.getOffsetDateTime("lease_expires_at").toInstant());
    }

    /** Deletes the endpoint and its ipcache entry (it locks no identity); its identity stays until collected. */
    public Uni<Void> delete(String namespace, String pod) {
        return Outcome.uni(outcome -> delete(namespace, pod, outcome));
    }

    /** As {@link #delete(String, String)}, the outcome handed to {@code outcome} when its transaction ends. */
    public void delete(String namespace, String pod, Outcome<Void> outcome) {
        shared.run("", (connection, changes) -> connection
                .preparedQuery("DELETE FROM endpoint WHERE namespace = $1 AND pod = $2 RETURNING ip")
                .execute(Tuple.of(namespace, pod))
                .map(rows -> Answer.<Void>of(() -> {
                    if (rows.size() == 0) {
                        throw ApiException.notFound("endpoint " + namespace + "/" + pod + " does not exist");
                    }
                    changes.deleteIpcache(prefix(rows.iterator().next().getString("ip")));
                    return null;
                }, ApiException.class::isInstance)), outcome);
    }

    /**
     * Removes up to {@code limit} endpoints whose lease ran out (expire_endpoints), with their ipcache entries; answers
     * how many. Replicas may run this at once: each takes the rows the other has not locked.
     */
    public Uni<Integer> expire(int limit) {
        return Futures.uni(() -> transactions.run((connection, changes) -> connection
                .preparedQuery("SELECT ip FROM expire_endpoints(make_interval(secs => $1), $2)")
                .execute(Tuple.of(leaseSeconds, limit))
                .map(rows -> {
                    rows.forEach(row -> changes.deleteIpcache(prefix(row.getString("ip"))));
                    return rows.size();
                })));
    }

    /** The endpoint, or null. */
    public Uni<Endpoint> find(String namespace, String pod) {
        return Futures.uni(() -> lookUp(namespace, pod));
    }

    /** As {@link #find}, in a plain Vert.x future (for the route's node check: no Mutiny pipeline per write). */
    public Future<Endpoint> lookUp(String namespace, String pod) {
        return pool.preparedQuery(SELECT + "WHERE e.namespace = $2 AND e.pod = $3")
                .execute(Tuple.of(leaseSeconds, namespace, pod))
                .map(rows -> rows.size() == 0 ? null : endpoint(rows.iterator().next()));
    }

    /**
     * Up to {@code limit} endpoints after {@code after} ("namespace/pod", or null from the start) in namespace and pod
     * order, all or those of one node, and where to continue when more may follow.
     */
    public Uni<EndpointList> list(String node, int limit, String after) {
        String[] from = after == null ? new String[]{"", ""} : after.split("/", 2);
        return Futures.uni(() -> pool.preparedQuery(SELECT + "WHERE ($2::text IS NULL OR e.node = $2) AND (e.namespace, e.pod) > ($3, $4) "
                        + "ORDER BY e.namespace, e.pod LIMIT $5")
                .execute(Tuple.of(leaseSeconds, node, from[0], from[1], limit + 1))
                .map(rows -> {
                    List<Endpoint> items = new ArrayList<>(Math.min(rows.size(), limit));
                    for (Row row : rows) {
                        if (items.size() == limit) {
                            return new EndpointList(items, items.getLast().key());
                        }
                        items.add(endpoint(row));
                    }
                    return new EndpointList(items, null);
                }));
    }

    private static Endpoint endpoint(Row row) {
        Identity identity = Identity.of(row.getInteger("identity_id"), IdentityLabels.parse(row.getString("identity_labels")));
        Instant lease = row.getOffsetDateTime("lease_expires_at").toInstant();
        return new Endpoint(row.getString("namespace"), row.getString("pod"), row.getString("node"), row.getString("ip"),
                LabelsColumn.read(row.getJsonObject("labels")), NamedPortsJson.read(row.getString("named_ports")), identity, lease);
    }

    @Override
    public Future<Long> count(SqlConnection transaction, String namespace) {
        return transaction.preparedQuery("SELECT count(*) AS n FROM endpoint WHERE namespace = $1").execute(Tuple.of(namespace))
                .map(rows -> rows.iterator().next().getLong("n"));
    }

    @Override
    public Future<Void> relabel(SqlConnection transaction, String namespace, Map<String, String> namespaceLabels, BucketChanges changes) {
        return transaction.preparedQuery("SELECT id, pod, node, ip, labels, named_ports, identity_id FROM endpoint "
                        + "WHERE namespace = $1 ORDER BY pod FOR UPDATE")
                .execute(Tuple.of(namespace))
                .compose(rows -> {
                    if (rows.size() == 0) {
                        return Future.succeededFuture();
                    }
                    List<Member> members = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        members.add(new Member(row, IdentityLabels.of(allocator.relevant(
                                K8sIdentityLabels.forPod(namespace, LabelsColumn.read(row.getJsonObject("labels")), namespaceLabels)))));
                    }
                    return allocator.allocate(transaction, members.stream().map(Member::relevant).toList(), true, changes)
                            .compose(allocations -> reidentify(transaction, namespace, members, allocations, changes));
                });
    }

    /** Points every endpoint whose identity changed to its new one, in one statement, and updates their ipcache entries. */
    private static Future<Void> reidentify(SqlConnection transaction, String namespace, List<Member> members,
                                        Map<String, Allocation> allocations, BucketChanges changes) {
        List<Long> ids = new ArrayList<>();
        List<Integer> identities = new ArrayList<>();
        for (Member member : members) {
            Row row = member.row();
            int id = allocations.get(member.relevant().canonical()).identity().id();
            if (id != row.getInteger("identity_id")) {
                ids.add(row.getLong("id"));
                identities.add(id);
                changes.putIpcache(ipcacheRecord(row.getString("ip"), id, row.getString("node"), namespace, row.getString("pod"),
                        NamedPortsJson.read(row.getString("named_ports"))));
            }
        }
        if (ids.isEmpty()) {
            return Future.succeededFuture();
        }
        return transaction.preparedQuery("UPDATE endpoint AS e SET identity_id = c.identity_id "
                        + "FROM unnest($1::bigint[], $2::integer[]) AS c(id, identity_id) WHERE e.id = c.id")
                .execute(Tuple.tuple().addArrayOfLong(ids.toArray(Long[]::new)).addArrayOfInteger(identities.toArray(Integer[]::new)))
                .mapEmpty();
    }

    static String prefix(String ip) {
        return ip + "/32";
    }

    static IpcacheRecord ipcacheRecord(String ip, int identity, String node, String namespace, String pod, List<NamedPort> namedPorts) {
        return new IpcacheRecord(prefix(ip), identity, node, namespace, pod, namedPorts);
    }

    private static ApiException ipTaken(String ip, String holder) {
        return ApiException.conflict("ip " + ip + " is held by " + holder);
    }

    /** Whether the failure is PostgreSQL refusing a row because of the named constraint. */
    private static boolean violates(Throwable failure, String constraint) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgException pg && constraint.equals(pg.getConstraint())) {
                return true;
            }
        }
        return false;
    }
}
