package io.septum.identity.allocation;

import io.septum.identity.distribution.BucketSource;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.IdentityRecord;
import jakarta.enterprise.context.ApplicationScoped;
import io.smallrye.mutiny.Uni;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The identities bucket holds every identity row, reserved ones included. */
@ApplicationScoped
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
    public Uni<Map<String, Object>> entries() {
        return allocator.insertReserved()
                .chain(() -> IdentityEntity.<IdentityEntity>listAll())
                .map(IdentityBucket::byKey);
    }

    private static Map<String, Object> byKey(List<IdentityEntity> rows) {
        Map<String, Object> entries = new LinkedHashMap<>();
        for (IdentityEntity row : rows) {
            entries.put(IdentityRecord.key(row.id), Identity.of(row).toRecord());
        }
        return entries;
    }
}
