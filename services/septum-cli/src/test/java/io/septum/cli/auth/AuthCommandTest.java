package io.septum.cli.auth;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthCommandTest {

    @Test
    void readsTtlsInShortAndIsoForm() {
        assertThat(AuthCommand.duration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(AuthCommand.duration("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(AuthCommand.duration("8h")).isEqualTo(Duration.ofHours(8));
        assertThat(AuthCommand.duration("30d")).isEqualTo(Duration.ofDays(30));
        assertThat(AuthCommand.duration("PT2H")).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> AuthCommand.duration("soon")).hasMessage("--ttl 'soon' is not a duration such as 30s, 15m, 8h, 30d or PT8H");
    }
}
