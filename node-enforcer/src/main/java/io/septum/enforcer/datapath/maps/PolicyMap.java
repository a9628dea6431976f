package io.septum.enforcer.datapath.maps;

import io.septum.enforcer.datapath.EnforcementMaps;
import static io.septum.enforcer.datapath.libbpf.CTypes.BE16;
import static io.septum.enforcer.datapath.libbpf.CTypes.U32;
import static io.septum.enforcer.datapath.libbpf.CTypes.U8;
import static io.septum.enforcer.datapath.libbpf.CTypes.pad;

import io.septum.enforcer.datapath.PolicyMapKey;
import io.septum.enforcer.datapath.PolicyMapValue;
import io.septum.enforcer.datapath.libbpf.BpfMap;
import io.septum.enforcer.datapath.libbpf.StructField;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Map {@code policy}: per-endpoint allow and deny entries, an LPM trie over (endpoint, identity, direction,
 * protocol, port prefix).
 *
 * <p>How the datapath decides a new connection: one longest-prefix lookup with the peer's identity and one
 * with identity 0 (any peer); a deny hit in either wins, else an allow hit in either allows. Within one lookup
 * only the longest matching entry is seen, so a narrower allow entry hides a wider deny entry of the same
 * identity: resolve deny precedence before writing entries (drop such allows).
 *
 * <p>Changing entries does not touch open connections. Bump the endpoint's
 * {@link io.septum.enforcer.datapath.EndpointInfo#policyEpoch() policy epoch} afterwards: each open
 * connection is then re-checked on its next packet and dropped if no longer allowed.
 */
public final class PolicyMap implements EnforcementMaps.Policy {

    public static final String NAME = "policy";

    /** struct policy_key (bpf-src/lib/maps.h): prefixlen counts the bits after it that must match. */
    public static final StructLayout KEY_LAYOUT = MemoryLayout.structLayout(
            U32.withName("prefixlen"),
            U32.withName("ep_id"),
            U32.withName("identity"),
            U8.withName("direction"),
            U8.withName("protocol"),
            BE16.withName("dport")).withName("policy_key");

    /** struct policy_value (bpf-src/lib/maps.h) */
    public static final StructLayout VALUE_LAYOUT = MemoryLayout.structLayout(
            U8.withName("flags"),
            pad("pad1", 1),
            pad("pad2", 2),
            U32.withName("rule_ref")).withName("policy_value");

    private static final int FLAG_DENY = 1;

    private static final StructField PREFIXLEN = StructField.of(KEY_LAYOUT, "prefixlen");
    private static final StructField EP_ID = StructField.of(KEY_LAYOUT, "ep_id");
    private static final StructField IDENTITY = StructField.of(KEY_LAYOUT, "identity");
    private static final StructField DIRECTION = StructField.of(KEY_LAYOUT, "direction");
    private static final StructField PROTOCOL = StructField.of(KEY_LAYOUT, "protocol");
    private static final StructField DPORT = StructField.of(KEY_LAYOUT, "dport");
    private static final StructField FLAGS = StructField.of(VALUE_LAYOUT, "flags");
    private static final StructField RULE_REF = StructField.of(VALUE_LAYOUT, "rule_ref");

    private static final Codec<PolicyMapKey> KEYS = new Codec<>(KEY_LAYOUT,
            (key, s) -> {
                PREFIXLEN.setU32(s, key.prefixLength());
                EP_ID.setU32(s, key.endpointId());
                IDENTITY.setU32(s, key.identity());
                DIRECTION.setU8(s, key.direction());
                PROTOCOL.setU8(s, key.protocol());
                DPORT.setU16(s, key.port());
            },
            s -> new PolicyMapKey(EP_ID.u32(s), IDENTITY.u32(s), DIRECTION.u8(s), PROTOCOL.u8(s), DPORT.u16(s),
                    PREFIXLEN.u32(s) - PolicyMapKey.FIXED_BITS));
    private static final Codec<PolicyMapValue> VALUES = new Codec<>(VALUE_LAYOUT,
            (value, s) -> {
                FLAGS.setU8(s, value.deny() ? FLAG_DENY : 0);
                RULE_REF.setU32(s, value.ruleRef());
            },
            s -> new PolicyMapValue((FLAGS.u8(s) & FLAG_DENY) != 0, RULE_REF.u32(s)));

    private final TypedMap<PolicyMapKey, PolicyMapValue> map;
    private final AtomicLong writes = new AtomicLong();

    public PolicyMap(BpfMap map) {
        this.map = new TypedMap<>(map, KEYS, VALUES);
    }

    public void put(PolicyMapKey key, PolicyMapValue value) {
        writes.incrementAndGet();
        map.put(key, value);
    }

    /** False if the entry was not in the map. */
    public boolean delete(PolicyMapKey key) {
        writes.incrementAndGet();
        return map.delete(key);
    }

    /**
     * Writes {@code puts}, then removes {@code deletes} (absent ones are skipped), with the kernel's batch
     * commands (supported for LPM tries since Linux 5.x; one by one otherwise). Adding before removing means a
     * change never drops traffic both the old and the new policy allow. Not atomic: on failure, the exception
     * says how far it got.
     */
    public void update(Map<PolicyMapKey, PolicyMapValue> puts, Collection<PolicyMapKey> deletes) {
        for (PolicyMapKey key : deletes) {
            if (puts.containsKey(key)) {
                throw new IllegalArgumentException("key both written and deleted: " + key);
            }
        }
        writes.addAndGet(puts.size() + deletes.size());
        map.putAll(puts);
        map.deleteAll(deletes);
    }

    /**
     * Entries written or deleted through this handle since it was opened (attempts, counted before the
     * kernel call): what an incremental writer can be held to, e.g. zero for a restart that changed nothing.
     */
    public long writes() {
        return writes.get();
    }

    /** The map's max_entries: the capacity every endpoint's entries share. */
    public int capacity() {
        return map.raw().maxEntries();
    }

    /** Every entry, e.g. to reconcile with the desired state after a restart. */
    public Map<PolicyMapKey, PolicyMapValue> entries() {
        return map.entries();
    }

    /** The entries of one endpoint. */
    public Map<PolicyMapKey, PolicyMapValue> entries(int endpointId) {
        return map.entries((key, value) -> key.endpointId() == endpointId);
    }
}
