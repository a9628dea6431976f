package io.septum.enforcer.datapath;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What to load and where to keep it.
 *
 * @param pinDirectory        directory on bpffs for the pinned maps, one per node datapath
 *                            (e.g. /sys/fs/bpf/septum/node-0); created if missing
 * @param ringBufferBytes     size of the flow event ring buffer: a power of two, at least a page (4096)
 * @param policyMapMaxEntries capacity of the policy map
 *
 * <p>Sizes apply to maps created by this open. Maps already pinned keep the size they were created with
 * (resizing would lose their contents); the datapath logs when the configuration differs.
 */
public record DatapathConfig(Path pinDirectory, int ringBufferBytes, int policyMapMaxEntries) {

    public static final Path DEFAULT_PIN_ROOT = Path.of("/sys/fs/bpf/septum");
    public static final int DEFAULT_RING_BUFFER_BYTES = 1 << 20;
    public static final int DEFAULT_POLICY_MAP_MAX_ENTRIES = 1 << 20;
    private static final int PAGE_SIZE = 4096;

    public DatapathConfig {
        Objects.requireNonNull(pinDirectory, "pinDirectory");
        if (!pinDirectory.isAbsolute()) {
            throw new IllegalArgumentException("pinDirectory must be absolute: " + pinDirectory);
        }
        if (ringBufferBytes < PAGE_SIZE || Integer.bitCount(ringBufferBytes) != 1) {
            throw new IllegalArgumentException("ringBufferBytes must be a power of two >= " + PAGE_SIZE + ": " + ringBufferBytes);
        }
        if (policyMapMaxEntries <= 0) {
            throw new IllegalArgumentException("policyMapMaxEntries must be positive: " + policyMapMaxEntries);
        }
    }

    /** Default sizes (1 MiB ring buffer, 1 Mi policy entries). */
    public static DatapathConfig defaults(Path pinDirectory) {
        return new DatapathConfig(pinDirectory, DEFAULT_RING_BUFFER_BYTES, DEFAULT_POLICY_MAP_MAX_ENTRIES);
    }

    public DatapathConfig withRingBufferBytes(int bytes) {
        return new DatapathConfig(pinDirectory, bytes, policyMapMaxEntries);
    }

    public DatapathConfig withPolicyMapMaxEntries(int maxEntries) {
        return new DatapathConfig(pinDirectory, ringBufferBytes, maxEntries);
    }
}
