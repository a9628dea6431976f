package io.septum.enforcer.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyMapKeyTest {

    private static final int TCP = 6;

    @Test
    void prefixLengthCountsTheFixedBits() {
        assertThat(PolicyMapKey.anyProtocol(7, 0, Direction.EGRESS).prefixLength()).isEqualTo(72);
        assertThat(PolicyMapKey.anyPort(7, 0, Direction.EGRESS, TCP).prefixLength()).isEqualTo(80);
        assertThat(PolicyMapKey.portPrefix(7, 0, Direction.EGRESS, TCP, 8192, 3).prefixLength()).isEqualTo(83);
        assertThat(PolicyMapKey.exactPort(7, 0, Direction.EGRESS, TCP, 443).prefixLength()).isEqualTo(96);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            endpoint 0 is reserved            | 0 | 0 | 6   | 80    | 24
            direction must be 0 or 1          | 7 | 2 | 6   | 80    | 24
            protocol beyond a byte            | 7 | 0 | 256 | 0     | 8
            port beyond 16 bits               | 7 | 0 | 6   | 65536 | 24
            any protocol with a protocol      | 7 | 0 | 6   | 0     | 0
            prefix between 0 and 8            | 7 | 0 | 6   | 0     | 4
            prefix beyond 24                  | 7 | 0 | 6   | 80    | 25
            port on a protocol-only key       | 7 | 0 | 6   | 80    | 8
            port bits beyond the prefix       | 7 | 0 | 6   | 8193  | 11
            """)
    void rejectsKeysTheTrieWouldStoreWrongly(String why, int endpoint, int direction, int protocol, int port, int prefixBits) {
        assertThatIllegalArgumentException().isThrownBy(() -> new PolicyMapKey(endpoint, 0, direction, protocol, port, prefixBits));
    }

    @Test
    void acceptsAnAlignedPortPrefix() {
        assertThat(new PolicyMapKey(7, 0, 1, TCP, 8192, 11).port()).isEqualTo(8192); // 8192-9215
    }
}
