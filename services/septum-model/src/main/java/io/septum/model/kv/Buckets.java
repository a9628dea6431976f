package io.septum.model.kv;

/**
 * Names on NATS shared by every component. Key-value buckets carry state (a watcher gets the current
 * contents, then every change); subjects carry events.
 */
public final class Buckets {

    /** Identity number (decimal) → {@link IdentityRecord}. Written only by identity-service. */
    public static final String IDENTITIES = "identities";
    /** IP prefix ({@link IpcacheRecord#key}) → {@link IpcacheRecord}. Written only by identity-service. */
    public static final String IPCACHE = "ipcache";
    /** {@link io.septum.model.policy.PolicyRef#key()} → {@link PolicyRecord}. Written only by policy-service. */
    public static final String POLICIES = "policies";

    /** Enforcers publish {@link NodeStatus} on {@code status.<node>}; the stream keeps the last one per node. */
    public static final String STATUS_STREAM = "SEPTUM_STATUS";
    public static final String STATUS_SUBJECT_PREFIX = "status.";
    /** Enforcers publish flows on {@code flows.<node>}. */
    public static final String FLOWS_SUBJECT_PREFIX = "flows.";

    private Buckets() {
    }
}
