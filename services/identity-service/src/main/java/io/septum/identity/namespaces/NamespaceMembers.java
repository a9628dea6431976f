package io.septum.identity.namespaces;

import io.septum.identity.distribution.BucketChanges;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

import java.util.Map;

/** What a namespace needs from the endpoints in it (implemented by the endpoints feature). */
public interface NamespaceMembers {

    /** How many endpoints the namespace has, read in the caller's transaction. */
    Future<Long> count(SqlConnection transaction, String namespace);

    /**
     * Gives every endpoint of the namespace the identity its labels have with the namespace's new labels, adding the
     * bucket writes that implies to {@code changes}. Runs in the caller's transaction.
     */
    Future<Void> relabel(SqlConnection transaction, String namespace, Map<String, String> namespaceLabels, BucketChanges changes);
}
