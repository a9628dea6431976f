package io.septum.identity.allocation;

import io.septum.identity.distribution.BucketSource;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.IdentityRecord;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.Map;

/** The identities bucket holds every identity row, reserved ones included. */
@Singleton
public class IdentityBucket implements BucketSource {

    private final IdentityAllocator allocator;

    public IdentityBucket(IdentityAllocator allocator) {
        this.allocator = allocator;
    }

    @Override
    public String bucket() {
        return Buckets.IDENTITIES;
    }

    @Override
    public Future<Map<String, Object>> entries(SqlConnection connection) {
        return allocator.insertReserved(connection)
                .compose(inserted -> connection.query("SELECT id, labels FROM identity ORDER BY id").execute())
                .map(rows -> {
                    Map<String, Object> entries = new LinkedHashMap<>();
                    for (Row row : rows) {
                        Identity identity = Identity.of(row.getInteger("id"), IdentityLabels.parse(row.getString("labels")));
                        entries.put(IdentityRecord.key(identity.id()), identity.toRecord());
                    }
                    return entries;
                });
    }
}
