package io.septum.enforcer.controlplane.cluster;

import io.septum.model.identity.NumericIdentity;
import io.septum.model.labels.EndpointSelector;
import io.septum.model.net.Ipv4Cidr;
import io.septum.model.policy.Direction;
import io.septum.model.policy.PolicyRef;
import io.septum.model.policy.rules.Peer;
import io.septum.model.policy.rules.PolicyRule;
import io.septum.model.policy.rules.PolicyRules;
import io.septum.model.policy.rules.RuleRef;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrIdentitiesTest {

    private static final int LOCAL = NumericIdentity.LOCAL_FLAG;

    private final ClusterState cluster = new ClusterState();

    @Test
    void everyNamedPrefixGetsAnIdentityAndABlockStandsForThePrefixesInsideItButNotInItsExcepts() {
        upsert("p", new Peer.Cidr(cidr("0.0.0.0/0"), List.of(cidr("10.0.0.0/8"))), new Peer.Cidr(cidr("10.1.0.0/16"), List.of()));
        Map<Ipv4Cidr, Integer> ids = cluster.cidrIdentities().prefixes();
        assertThat(ids).containsOnlyKeys(cidr("0.0.0.0/0"), cidr("10.0.0.0/8"), cidr("10.1.0.0/16"));
        assertThat(cluster.identitiesOf(new Peer.Cidr(cidr("0.0.0.0/0"), List.of(cidr("10.0.0.0/8")))))
                .containsExactly(ids.get(cidr("0.0.0.0/0")));
        assertThat(cluster.identitiesOf(new Peer.Cidr(cidr("0.0.0.0/0"), List.of())))
                .containsExactlyInAnyOrderElementsOf(ids.values());
        assertThat(cluster.identitiesOf(new Peer.Cidr(cidr("10.0.0.0/8"), List.of())))
                .containsExactlyInAnyOrder(ids.get(cidr("10.0.0.0/8")), ids.get(cidr("10.1.0.0/16")));
        assertThat(cluster.identitiesOf(new Peer.Cidr(cidr("192.168.0.0/16"), List.of()))).as("names no prefix inside").isEmpty();
    }

    @Test
    void aPrefixKeepsItsIdentityAndAFreedIdentityIsNotHandedOutAgainAtOnce() {
        upsert("a", new Peer.Cidr(cidr("10.0.0.0/8"), List.of()));
        upsert("b", new Peer.Cidr(cidr("192.0.2.0/24"), List.of()));
        int ten = cluster.cidrIdentities().prefixes().get(cidr("10.0.0.0/8"));
        int doc = cluster.cidrIdentities().prefixes().get(cidr("192.0.2.0/24"));
        assertThat(cluster.drainChanges().prefixes()).isTrue();

        cluster.removePolicy(ref("a"));
        upsert("c", new Peer.Cidr(cidr("172.16.0.0/12"), List.of()));
        assertThat(cluster.cidrIdentities().prefixes()).containsEntry(cidr("192.0.2.0/24"), doc)
                .doesNotContainValue(ten).containsOnlyKeys(cidr("192.0.2.0/24"), cidr("172.16.0.0/12"));
        assertThat(cluster.drainChanges().prefixes()).isTrue();

        upsert("b", new Peer.Cidr(cidr("192.0.2.0/24"), List.of()));
        assertThat(cluster.drainChanges().isEmpty()).as("an identical policy changes nothing").isTrue();
    }

    @Test
    void restoredIdentitiesComeBackForTheirPrefixesAndAreNotGivenToOthers() {
        cluster.cidrIdentities().restore(Map.of(cidr("10.0.0.0/8"), LOCAL | 7, cidr("192.0.2.0/24"), LOCAL | 3));
        upsert("p", new Peer.Cidr(cidr("172.16.0.0/12"), List.of()), new Peer.Cidr(cidr("10.0.0.0/8"), List.of()));
        assertThat(cluster.cidrIdentities().prefixes()).containsEntry(cidr("10.0.0.0/8"), LOCAL | 7)
                .containsEntry(cidr("172.16.0.0/12"), LOCAL | 8);
        upsert("q", new Peer.Cidr(cidr("192.0.2.0/24"), List.of()));
        assertThat(cluster.cidrIdentities().prefixes()).containsEntry(cidr("192.0.2.0/24"), LOCAL | 3);

        assertThatThrownBy(() -> cluster.cidrIdentities().restore(Map.of(cidr("10.0.0.0/8"), 300)))
                .hasMessageContaining("not a node-local one");
    }

    private void upsert(String name, Peer... peers) {
        PolicyRef ref = ref(name);
        PolicyRule rule = new PolicyRule(new RuleRef(ref, Direction.EGRESS, 0), Direction.EGRESS, PolicyRule.Action.ALLOW, List.of(peers), List.of());
        cluster.upsertPolicy(new PolicyRules(ref, EndpointSelector.ALL, Set.of(Direction.EGRESS), List.of(rule)));
    }

    private static PolicyRef ref(String name) {
        return new PolicyRef("NetworkPolicy", "x", name);
    }

    private static Ipv4Cidr cidr(String text) {
        return Ipv4Cidr.parse(text);
    }
}
