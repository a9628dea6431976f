package io.septum.identity.endpoints;

import io.septum.identity.distribution.BucketSource;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.IpcacheRecord;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.Map;

/** The ipcache bucket holds one entry per endpoint: its /32 → identity and node. */
@ApplicationScoped
public class IpcacheBucket implements BucketSource {

    @Override
    public String bucket() {
        return Buckets.IPCACHE;
    }

    @Override
    public Uni<Map<String, Object>> entries() {
        return EndpointEntity.<EndpointEntity>listAll().map(endpoints -> {
            Map<String, Object> entries = new LinkedHashMap<>();
            for (EndpointEntity e : endpoints) {
                IpcacheRecord record = e.ipcacheRecord(e.identity.id); // the id of a lazy reference: no extra query
                entries.put(IpcacheRecord.key(record.prefix()), record);
            }
            return entries;
        });
    }
}
