package io.septum.enforcer.controlplane.mapstate;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.septum.model.policy.Direction.EGRESS;
import static io.septum.model.policy.Direction.INGRESS;
import static org.assertj.core.api.Assertions.assertThat;

/** The packed map state: keys and entries survive packing at their extremes, merging and deny coverage as the resolver needs. */
class MapStateTest {

    @Test
    void keysAndEntriesSurvivePackingAtTheirExtremes() {
        Map<PolicyKey, PolicyEntry> expected = new HashMap<>();
        List<Integer> identities = List.of(0, 1, 2, 256, 0x00ffffff, 0x01000000, 0x7fffffff, 0x80000000, 0xffffffff);
        int rule = 0;
        for (int identity : identities) {
            expected.put(PolicyKey.anyProtocol(identity, INGRESS), PolicyEntry.allow(rule++));
            expected.put(PolicyKey.anyPort(identity, EGRESS, 255), PolicyEntry.denyBy(0xffffffff));
            expected.put(PolicyKey.exactPort(identity, INGRESS, 6, 65535), PolicyEntry.allow(0x80000000));
            expected.put(new PolicyKey(identity, EGRESS, 17, 0x8000, PolicyKey.PROTOCOL_BITS + 1), PolicyEntry.denyBy(rule++));
        }
        MapState state = MapState.of(expected);
        assertThat(state.size()).isEqualTo(expected.size());
        assertThat(state.entries()).isEqualTo(expected);
        assertThat(new HashMap<>(state.entries())).isEqualTo(expected);
        assertThat(state.entries().get(PolicyKey.exactPort(5, INGRESS, 6, 80))).isNull();
        assertThat(state.entries().containsKey(PolicyKey.exactPort(0xffffffff, INGRESS, 6, 65535))).isTrue();
    }

    @Test
    void aDenyWinsAndBetweenEqualVerdictsTheSmallerRuleStaysWhateverTheOrder() {
        PolicyKey key = PolicyKey.exactPort(300, INGRESS, 6, 80);
        for (List<PolicyEntry> order : List.of(
                List.of(PolicyEntry.allow(7), PolicyEntry.denyBy(9), PolicyEntry.allow(3), PolicyEntry.denyBy(4)),
                List.of(PolicyEntry.denyBy(4), PolicyEntry.allow(3), PolicyEntry.denyBy(9), PolicyEntry.allow(7)))) {
            MapState.Builder builder = MapState.builder(1);
            order.forEach(entry -> builder.merge(key, entry));
            assertThat(builder.build().entries()).isEqualTo(Map.of(key, PolicyEntry.denyBy(4)));
        }
        MapState.Builder unsigned = MapState.builder(1);
        unsigned.merge(key, PolicyEntry.allow(0x80000000));
        unsigned.merge(key, PolicyEntry.allow(5));
        assertThat(unsigned.build().entries().get(key)).isEqualTo(PolicyEntry.allow(5));
    }

    @Test
    void allowsADenyOfTheSameIdentityAndDirectionCoversAreDropped() {
        MapState.Builder builder = MapState.builder(4);
        builder.merge(PolicyKey.exactPort(300, INGRESS, 6, 80), PolicyEntry.allow(1));     // covered by the deny of TCP/*
        builder.merge(PolicyKey.exactPort(300, INGRESS, 17, 80), PolicyEntry.allow(1));    // other protocol: stays
        builder.merge(PolicyKey.exactPort(300, EGRESS, 6, 80), PolicyEntry.allow(1));      // other direction: stays
        builder.merge(PolicyKey.exactPort(301, INGRESS, 6, 80), PolicyEntry.allow(1));     // other identity: stays
        builder.merge(PolicyKey.anyPort(300, INGRESS, 6), PolicyEntry.denyBy(2));
        builder.dropAllowsCoveredByDenies();
        assertThat(builder.build().entries()).isEqualTo(Map.of(
                PolicyKey.exactPort(300, INGRESS, 17, 80), PolicyEntry.allow(1),
                PolicyKey.exactPort(300, EGRESS, 6, 80), PolicyEntry.allow(1),
                PolicyKey.exactPort(301, INGRESS, 6, 80), PolicyEntry.allow(1),
                PolicyKey.anyPort(300, INGRESS, 6), PolicyEntry.denyBy(2)));
    }

    @Test
    void packedCoverageIsPolicyKeyCoverage() {
        List<PolicyKey> keys = new java.util.ArrayList<>();
        for (int identity : List.of(0, 300, 0xffffffff)) {
            for (var direction : List.of(INGRESS, EGRESS)) {
                keys.add(PolicyKey.anyProtocol(identity, direction));
                for (int protocol : List.of(6, 17, 255)) {
                    keys.add(PolicyKey.anyPort(identity, direction, protocol));
                    for (int port : List.of(0x8000, 0x8050, 0x8051, 80, 0xffff, 1)) {
                        for (int bits = 1; bits <= 16; bits++) {
                            int aligned = port & ((0xffff << (16 - bits)) & 0xffff);
                            keys.add(new PolicyKey(identity, direction, protocol, aligned, PolicyKey.PROTOCOL_BITS + bits));
                        }
                    }
                }
            }
        }
        int covered = 0;
        List<String> disagreements = new java.util.ArrayList<>();
        for (PolicyKey by : keys) {
            for (PolicyKey key : keys) {
                boolean expected = key.coveredBy(by);
                if (PackedEntries.covers(PackedEntries.key(by), PackedEntries.key(key)) != expected) {
                    disagreements.add(key + (expected ? " is" : " is not") + " covered by " + by);
                }
                covered += expected ? 1 : 0;
            }
        }
        assertThat(disagreements).isEmpty();
        assertThat(covered).as("covering pairs among %d keys", keys.size()).isGreaterThan(2 * keys.size());
    }

    @Test
    void growsPastItsHintAndDiffsAgainstARealizedMap() {
        MapState.Builder builder = MapState.builder(1);
        Map<PolicyKey, PolicyEntry> realized = new HashMap<>();
        for (int identity = 1000; identity < 21000; identity++) {
            builder.merge(PolicyKey.exactPort(identity, INGRESS, 6, 443), PolicyEntry.allow(1));
            if (identity % 2 == 0) {
                realized.put(PolicyKey.exactPort(identity, INGRESS, 6, 443), PolicyEntry.allow(identity % 4 == 0 ? 1 : 2));
            }
        }
        realized.put(PolicyKey.exactPort(7, INGRESS, 6, 22), PolicyEntry.allow(1));
        MapState state = builder.build();
        assertThat(state.size()).isEqualTo(20000);
        MapStateDiff diff = state.diffFrom(realized);
        assertThat(diff.puts()).hasSize(10000 + 5000);
        assertThat(diff.deletes()).containsExactly(PolicyKey.exactPort(7, INGRESS, 6, 22));
    }
}
