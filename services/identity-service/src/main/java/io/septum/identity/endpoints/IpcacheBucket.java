package io.septum.identity.endpoints;

import io.septum.identity.distribution.BucketSource;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.IpcacheRecord;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
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
    public Future<Map<String, Object>> entries(SqlConnection connection) {
        return connection.query("SELECT namespace, pod, node, ip, named_ports, identity_id FROM endpoint ORDER BY id").execute()
                .map(rows -> {
                    Map<String, Object> entries = new LinkedHashMap<>();
                    for (Row row : rows) {
                        IpcacheRecord record = EndpointRegistry.ipcacheRecord(row.getString("ip"), row.getInteger("identity_id"),
                                row.getString("node"), row.getString("namespace"), row.getString("pod"),
                                NamedPortsJson.read(row.getString("named_ports")));
                        entries.put(IpcacheRecord.key(record.prefix()), record);
                    }
                    return entries;
                });
    }
}
