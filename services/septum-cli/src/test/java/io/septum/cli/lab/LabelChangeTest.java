package io.septum.cli.lab;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelChangeTest {

    @Test
    void setsAndRemovesAsKubectlLabelDoes() {
        LabelChange change = LabelChange.parse(List.of("role=client", "tier-", "empty=", "example.com/team=blue"));
        assertThat(change.set()).containsExactly(Map.entry("role", "client"), Map.entry("empty", ""), Map.entry("example.com/team", "blue"));
        assertThat(change.remove()).containsExactly("tier");
        assertThat(change.applyTo(Map.of("pod", "a", "tier", "web", "role", "server")))
                .containsOnly(Map.entry("pod", "a"), Map.entry("role", "client"), Map.entry("empty", ""), Map.entry("example.com/team", "blue"));
    }

    @Test
    void aValueMayContainAnEqualsSignOnlyIfItIsAValidLabelValue() {
        assertThatThrownBy(() -> LabelChange.parse(List.of("a=b=c"))).hasMessageContaining("'a=b=c': value 'b=c' is invalid");
    }

    @Test
    void removingAnAbsentLabelChangesNothing() {
        assertThat(LabelChange.parse(List.of("gone-")).applyTo(Map.of("pod", "a"))).containsOnly(Map.entry("pod", "a"));
    }

    @Test
    void malformedArgumentsAreNamed() {
        assertThatThrownBy(() -> LabelChange.parse(List.of("=b"))).hasMessage("'=b': expected KEY=VALUE to set a label or KEY- to remove one");
        assertThatThrownBy(() -> LabelChange.parse(List.of("plain"))).hasMessageContaining("'plain': expected KEY=VALUE");
        assertThatThrownBy(() -> LabelChange.parse(List.of("-"))).hasMessageContaining("'-': expected KEY=VALUE");
    }

    @Test
    void invalidKeysAndValuesAreRejectedAsKubernetesWould() {
        assertThatThrownBy(() -> LabelChange.parse(List.of("a b=c"))).hasMessageContaining("'a b=c': key 'a b' is invalid");
        assertThatThrownBy(() -> LabelChange.parse(List.of("a=-b"))).hasMessageContaining("'a=-b': value '-b' is invalid");
        assertThatThrownBy(() -> LabelChange.parse(List.of("UP_per/x=1"))).hasMessageContaining("invalid prefix");
        assertThatThrownBy(() -> LabelChange.parse(List.of("x".repeat(64) + "=1"))).hasMessageContaining("is invalid");
    }

    @Test
    void aKeyChangedTwiceIsAnErrorWhateverTheOrder() {
        assertThatThrownBy(() -> LabelChange.parse(List.of("a=1", "a-"))).hasMessageContaining("label a is changed twice");
        assertThatThrownBy(() -> LabelChange.parse(List.of("a-", "a=1"))).hasMessageContaining("label a is changed twice");
        assertThatThrownBy(() -> LabelChange.parse(List.of("a=1", "a=2"))).hasMessageContaining("label a is changed twice");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> LabelChange.parse(List.of("=b", "a b=c", "ok=1")))
                .hasMessageContaining("'=b'").hasMessageContaining("'a b=c'");
    }

    @Test
    void nothingToChangeIsAnError() {
        assertThatThrownBy(() -> LabelChange.parse(List.of())).hasMessageContaining("no label changes given");
    }
}
