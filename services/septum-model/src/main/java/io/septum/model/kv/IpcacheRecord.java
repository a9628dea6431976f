package io.septum.model.kv;

import java.util.List;

/**
 * Value in the ipcache bucket: which identity an address (a /32 for a pod) has, which node hosts it, and
 * for pods their name and named ports (egress rules with named ports resolve against the destination pod).
 */
public record IpcacheRecord(String prefix, int identity, String node, String namespace, String pod, List<NamedPort> namedPorts) {

    public IpcacheRecord {
        namedPorts = namedPorts == null ? List.of() : List.copyOf(namedPorts);
    }

    /** Bucket key of a prefix: '/' is not portable in NATS keys, so {@code 10.0.0.1/32} is stored as {@code 10.0.0.1_32}. */
    public static String key(String prefix) {
        return prefix.replace('/', '_');
    }
}
