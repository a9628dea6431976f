package io.septum.identity.endpoints;

import io.septum.identity.allocation.IdentityConfig;
import io.septum.identity.distribution.BucketTransactions;
import io.septum.identity.distribution.Futures;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Node leases: an enforcer renews its node's lease every third of the lease period, and its endpoints stay while it
 * does (expire_endpoints removes them a lease period after the last renewal). A renewal may list the node's endpoints;
 * the service then answers which of them it does not know (lost to an expiry, or to a database restored from backup:
 * the enforcer registers them again), and removes those it holds for the node that the node did not list, once they
 * have been registered for a lease period — so a delete the enforcer could not deliver does not leave an endpoint
 * behind, while an endpoint registered after the node made its list is safe.
 */
@ApplicationScoped
public class NodeLeases {

    private final BucketTransactions transactions;
    private final Duration lease;

    public NodeLeases(BucketTransactions transactions, IdentityConfig config) {
        this.transactions = transactions;
        this.lease = config.lease().duration();
    }

    public Uni<NodeLease> renew(String node, List<String> listed) {
        double seconds = lease.toMillis() / 1000.0;
        return Futures.uni(() -> transactions.run((connection, changes) -> connection
                .preparedQuery("INSERT INTO node_lease (node, renewed_at) VALUES ($1, now()) "
                        + "ON CONFLICT (node) DO UPDATE SET renewed_at = excluded.renewed_at RETURNING renewed_at")
                .execute(Tuple.of(node))
                .compose(renewed -> connection
                        .preparedQuery("SELECT namespace || '/' || pod AS key, registered_at < now() - make_interval(secs => $2) AS settled "
                                + "FROM endpoint WHERE node = $1")
                        .execute(Tuple.of(node, seconds))
                        .compose(held -> {
                            Instant renewedAt = renewed.iterator().next().getOffsetDateTime("renewed_at").toInstant();
                            Set<String> heldKeys = new HashSet<>();
                            List<String> stale = new ArrayList<>();
                            Set<String> listedKeys = listed == null ? Set.of() : new LinkedHashSet<>(listed);
                            for (Row row : held) {
                                String key = row.getString("key");
                                heldKeys.add(key);
                                if (listed != null && row.getBoolean("settled") && !listedKeys.contains(key)) {
                                    stale.add(key);
                                }
                            }
                            List<String> unknown = listedKeys.stream().filter(key -> !heldKeys.contains(key)).toList();
                            if (stale.isEmpty()) {
                                return Future.succeededFuture(lease(node, renewedAt, heldKeys.size(), unknown, List.of()));
                            }
                            return connection.preparedQuery("DELETE FROM endpoint WHERE node = $1 AND namespace || '/' || pod = ANY ($2) "
                                            + "AND registered_at < now() - make_interval(secs => $3) RETURNING namespace || '/' || pod AS key, ip")
                                    .execute(Tuple.of(node, stale.toArray(String[]::new), seconds))
                                    .map(removed -> {
                                        List<String> keys = new ArrayList<>();
                                        for (Row row : removed) {
                                            keys.add(row.getString("key"));
                                            changes.deleteIpcache(EndpointRegistry.prefix(row.getString("ip")));
                                        }
                                        return lease(node, renewedAt, heldKeys.size() - keys.size(), unknown, keys.stream().sorted().toList());
                                    });
                        }))));
    }

    private NodeLease lease(String node, Instant renewedAt, int endpoints, List<String> unknown, List<String> removed) {
        return new NodeLease(node, renewedAt, renewedAt.plus(lease), lease.toMillis() / 1000.0, endpoints, unknown, removed);
    }
}
