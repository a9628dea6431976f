package io.septum.bench.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.septum.enforcer.datapath.Direction;
import io.septum.enforcer.datapath.PolicyMapKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every mode holds the size it is named after, and allows the client exactly the workloads' ports. */
class PeerPolicyTest {

    @ParameterizedTest
    @ValueSource(ints = {6, 10, 1_000, 100_000})
    void septumWritesExactlyTheRequestedNumberOfEntries(int size) {
        var entries = PeerPolicy.septumEntries(size);
        assertThat(entries).hasSize(size);
        for (Workload w : Workload.values()) {
            assertThat(entries).containsKey(PolicyMapKey.exactPort(PeerPolicy.SERVER_ENDPOINT, PeerPolicy.CLIENT_IDENTITY,
                    Direction.INGRESS, w.protocol().number(), w.port()));
        }
        assertThat(entries.keySet()).noneMatch(k -> k.endpointId() == PeerPolicy.SERVER_ENDPOINT && k.identity() == 0
                && k.direction() == Direction.INGRESS.code());
        assertThat(entries.values()).noneMatch(v -> v.deny());
    }

    @ParameterizedTest
    @ValueSource(ints = {6, 1_000, 10_000})
    void iptablesHasOneRulePerPeerAndPortInTheServersChain(int size) {
        List<String> chainRules = PeerPolicy.iptablesScript(size).lines()
                .filter(l -> l.startsWith("-A " + PeerPolicy.chain() + " ") && l.endsWith("-j ACCEPT")).toList();
        assertThat(chainRules).hasSize(size);
        assertThat(chainRules.subList(size - Workload.values().length, size)).allMatch(l -> l.contains("-s 10.250.0.2/32"));
        assertThat(PeerPolicy.iptablesScript(size)).contains("--ctstate ESTABLISHED,RELATED -j ACCEPT")
                .contains("-A " + PeerPolicy.chain() + " -j DROP").endsWith("COMMIT\n");
    }

    @Test
    void ipsetHoldsTheSamePairs() {
        List<String> members = PeerPolicy.ipsetScript(1_000).lines().filter(l -> l.startsWith("add ")).toList();
        assertThat(members).hasSize(1_000).doesNotHaveDuplicates()
                .contains("add " + PeerPolicy.ipsetName() + " 10.250.0.2,udp:9000", "add " + PeerPolicy.ipsetName() + " 10.251.0.1,tcp:1024");
        assertThat(PeerPolicy.iptablesWithIpsetScript()).contains("--match-set " + PeerPolicy.ipsetName() + " src,dst -j ACCEPT");
    }

    @Test
    void otherPeersAreDistinctAddressesOutsideThePods() {
        List<String> addresses = PeerPolicy.otherAddresses(100_000);
        assertThat(addresses).doesNotHaveDuplicates().doesNotContain("10.250.0.2", "10.250.0.3");
        assertThat(addresses.getLast()).isEqualTo("10.252.134.160");
    }

    @Test
    void refusesASizeThatCannotHoldTheAllowedFlows() {
        assertThatThrownBy(() -> PeerPolicy.septumEntries(5)).hasMessageContaining("at least 6");
        assertThatThrownBy(() -> PeerPolicy.iptablesScript(2)).hasMessageContaining("at least 6");
    }
}
