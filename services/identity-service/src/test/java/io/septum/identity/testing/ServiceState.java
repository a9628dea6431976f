package io.septum.identity.testing;

import io.septum.identity.allocation.KnownIdentities;
import io.septum.identity.distribution.BucketRebuilder;
import io.septum.identity.distribution.BucketWriter;
import io.septum.identity.distribution.NatsConnection;
import io.septum.identity.namespaces.KnownNamespaces;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The running service's state, for tests: a clean start (no namespaces, endpoints or allocated identities, buckets
 * rebuilt to match) and direct SQL through the JDBC pool, which is not the pool the service allocates through.
 */
@ApplicationScoped
public class ServiceState {

    private final DataSource jdbc;
    private final BucketRebuilder rebuilder;
    private final NatsConnection nats;
    private final KnownIdentities knownIdentities;
    private final KnownNamespaces knownNamespaces;

    public ServiceState(DataSource jdbc, BucketRebuilder rebuilder, NatsConnection nats, KnownIdentities knownIdentities,
                        KnownNamespaces knownNamespaces) {
        this.jdbc = jdbc;
        this.rebuilder = rebuilder;
        this.nats = nats;
        this.knownIdentities = knownIdentities;
        this.knownNamespaces = knownNamespaces;
    }

    /**
     * Empties the tables (reserved identities stay), forgets what the service remembers of them, and makes the
     * buckets match: every test starts from here.
     */
    public void reset() {
        execute("delete from endpoint; delete from namespace; delete from identity where id >= 256; delete from node_lease; "
                + "delete from identity_candidate; delete from identity_unused");
        knownIdentities.forgetAll();
        knownNamespaces.forgetAll();
        rebuild();
    }

    /** Rebuilds the buckets from PostgreSQL now, as after a NATS reconnect. */
    public List<BucketWriter.BucketReport> rebuild() {
        await().pollDelay(Duration.ZERO).atMost(Duration.ofSeconds(20)).until(nats::isConnected);
        try {
            return rebuilder.requestRebuild().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("rebuild buckets: " + e, e);
        }
    }

    public DataSource jdbc() {
        return jdbc;
    }

    public void execute(String sql) {
        try (Connection c = jdbc.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public long count(String sql) {
        try (Connection c = jdbc.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
