package io.septum.enforcer.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4PrefixTest {

    @Test
    void parsesAndPrints() {
        assertThat(Ipv4Prefix.parse("10.0.0.0/8")).hasToString("10.0.0.0/8");
        assertThat(Ipv4Prefix.parse("192.168.1.7")).isEqualTo(Ipv4Prefix.host(Ipv4.parse("192.168.1.7")));
        assertThat(Ipv4Prefix.parse("0.0.0.0/0").contains(Ipv4.parse("8.8.8.8"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1/8", "10.0.0.0/33", "10.0.0/8", "10.0.0.256/32", "example.com/32", "10.0.0.0/", "10.0.0.0/-1"})
    void rejectsWhatIsNotACanonicalPrefix(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Ipv4Prefix.parse(text));
    }

    @Test
    void containingMasksTheHostBits() {
        assertThat(Ipv4Prefix.containing(Ipv4.parse("10.1.2.3"), 16)).hasToString("10.1.0.0/16");
    }

    @Test
    void addressBitsAreBigEndian() {
        assertThat(Ipv4.bits(Ipv4.parse("10.99.0.2"))).isEqualTo(0x0a630002);
        assertThat(Ipv4.address(0xc0a80101)).isEqualTo(Ipv4.parse("192.168.1.1"));
    }
}
