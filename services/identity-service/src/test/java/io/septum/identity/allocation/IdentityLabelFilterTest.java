package io.septum.identity.allocation;

import io.septum.model.labels.Labels;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentityLabelFilterTest {

    @Test
    void firstMatchingRuleDecidesAndUnmatchedKeysCount() {
        var filter = new IdentityLabelFilter(List.of("+keep-me-hash", "-.*-hash", "-tmp\\..*"));

        assertThat(filter.keeps("app")).isTrue();
        assertThat(filter.keeps("pod-template-hash")).isFalse();
        assertThat(filter.keeps("keep-me-hash")).isTrue();
        assertThat(filter.keeps("tmp.x")).isFalse();
        assertThat(filter.keeps("a.tmp.x")).as("the regex must match the whole key").isTrue();
    }

    @Test
    void onlyK8sLabelsAreFiltered() {
        var filter = new IdentityLabelFilter(List.of("-host", "-app"));

        assertThat(filter.relevant(Labels.parse(List.of("reserved:host", "k8s:app=x", "cidr:app=y"))).toStrings())
                .containsExactly("cidr:app=y", "reserved:host");
    }

    @Test
    void invalidRulesAreRefusedNamingTheRule() {
        assertThatThrownBy(() -> new IdentityLabelFilter(List.of("-ok", "app")))
                .hasMessage("septum.identity.label-rules[1] 'app': must be +regex (keep) or -regex (drop)");
        assertThatThrownBy(() -> new IdentityLabelFilter(List.of("-(")))
                .hasMessageStartingWith("septum.identity.label-rules[0] '-(': invalid regex");
    }
}
