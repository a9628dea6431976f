package io.septum.identity.namespaces;

import io.septum.identity.api.ApiException;
import io.septum.identity.distribution.BucketTransactions;
import io.septum.identity.distribution.Futures;
import io.septum.identity.distribution.PlainPool;
import io.septum.model.identity.K8sIdentityLabels;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Namespaces and their labels, which are part of the identity of every endpoint in them. */
@Singleton
public class NamespaceRegistry {

    private final BucketTransactions transactions;
    private final NamespaceMembers members;
    private final KnownNamespaces known;
    private final Pool pool;

    public NamespaceRegistry(BucketTransactions transactions, NamespaceMembers members, KnownNamespaces known, PlainPool pool) {
        this.transactions = transactions;
        this.members = members;
        this.known = known;
        this.pool = pool.get();
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
        JsonObject json = LabelsColumn.write(stored);
        return Futures.uni(() -> transactions.run((connection, changes) -> connection
                .preparedQuery("SELECT labels FROM namespace WHERE name = $1 FOR UPDATE").execute(Tuple.of(name))
                .compose(rows -> {
                    if (rows.size() == 0) {
                        return connection.preparedQuery("INSERT INTO namespace (name, labels) VALUES ($1, $2)")
                                .execute(Tuple.of(name, json)).mapEmpty();
                    }
                    if (labels(rows.iterator().next()).equals(stored)) {
                        return Future.succeededFuture();
                    }
                    return connection.preparedQuery("UPDATE namespace SET labels = $2 WHERE name = $1").execute(Tuple.of(name, json))
                            .compose(updated -> members.relabel(connection, name, stored, changes));
                }))
                .map(done -> {
                    known.remember(name, stored);
                    return new Namespace(name, stored);
                }));
    }

    public Uni<Namespace> find(String name) {
        return Futures.uni(() -> pool.preparedQuery("SELECT name, labels FROM namespace WHERE name = $1").execute(Tuple.of(name))
                .map(rows -> rows.size() == 0 ? null : namespace(rows.iterator().next())));
    }

    public Uni<List<Namespace>> list() {
        return Futures.uni(() -> pool.query("SELECT name, labels FROM namespace ORDER BY name").execute().map(rows -> {
            List<Namespace> out = new ArrayList<>(rows.size());
            rows.forEach(row -> out.add(namespace(row)));
            return out;
        }));
    }

    /** Deletes an empty namespace; one with endpoints is a conflict (their identities depend on it). */
    public Uni<Void> delete(String name) {
        return Futures.uni(() -> transactions.run((connection, changes) -> connection
                .preparedQuery("SELECT name FROM namespace WHERE name = $1 FOR UPDATE").execute(Tuple.of(name))
                .compose(rows -> {
                    if (rows.size() == 0) {
                        return Future.<Void>failedFuture(ApiException.notFound("namespace " + name + " does not exist"));
                    }
                    return members.count(connection, name).compose(count -> count > 0
                            ? Future.failedFuture(ApiException.conflict("namespace " + name + " still has " + count
                            + (count == 1 ? " endpoint" : " endpoints") + "; delete them first"))
                            : connection.preparedQuery("DELETE FROM namespace WHERE name = $1").execute(Tuple.of(name)).mapEmpty());
                }))
                .onSuccess(deleted -> known.forget(name)));
    }

    private static Namespace namespace(Row row) {
        return new Namespace(row.getString("name"), labels(row));
    }

    private static Map<String, String> labels(Row row) {
        return LabelsColumn.read(row.getJsonObject("labels"));
    }
}
