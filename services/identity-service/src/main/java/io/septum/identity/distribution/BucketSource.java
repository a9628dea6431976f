package io.septum.identity.distribution;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

import java.util.Map;

/** What one bucket must hold according to PostgreSQL; the rebuild makes the bucket hold exactly that. */
public interface BucketSource {

    String bucket();

    /** Every entry of the bucket, key → record; read inside the rebuild's transaction. */
    Future<Map<String, Object>> entries(SqlConnection connection);
}
