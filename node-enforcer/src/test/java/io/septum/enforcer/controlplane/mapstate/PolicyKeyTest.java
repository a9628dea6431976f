package io.septum.enforcer.controlplane.mapstate;

import io.septum.model.policy.Direction;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyKeyTest {

    private static final Direction IN = Direction.INGRESS;

    @Test
    void coverage() {
        PolicyKey port80 = PolicyKey.exactPort(300, IN, 6, 80);
        PolicyKey anyTcp = PolicyKey.anyPort(300, IN, 6);
        PolicyKey anyProto = PolicyKey.anyProtocol(300, IN);
        PolicyKey range64to127 = new PolicyKey(300, IN, 6, 64, PolicyKey.PROTOCOL_BITS + 10);
        assertThat(port80.coveredBy(anyTcp)).isTrue();
        assertThat(port80.coveredBy(anyProto)).isTrue();
        assertThat(port80.coveredBy(range64to127)).isTrue();
        assertThat(anyTcp.coveredBy(port80)).isFalse();
        assertThat(PolicyKey.exactPort(300, IN, 6, 200).coveredBy(range64to127)).isFalse();
        assertThat(PolicyKey.exactPort(300, IN, 17, 80).coveredBy(anyTcp)).isFalse();
        assertThat(port80.coveredBy(PolicyKey.anyProtocol(301, IN))).as("other identity").isFalse();
        assertThat(port80.coveredBy(PolicyKey.anyProtocol(300, Direction.EGRESS))).as("other direction").isFalse();
    }

    @Test
    void rejectsBitsBeyondThePrefix() {
        assertThatThrownBy(() -> new PolicyKey(1, IN, 6, 65, PolicyKey.PROTOCOL_BITS + 10)).hasMessageContaining("bits beyond");
        assertThatThrownBy(() -> new PolicyKey(1, IN, 6, 0, 4)).hasMessageContaining("prefixBits");
        assertThatThrownBy(() -> new PolicyKey(1, IN, 6, 0, 0)).hasMessageContaining("any-protocol");
    }
}
