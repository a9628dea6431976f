package io.septum.model.labels;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelsTest {

    @Test
    void textFormRoundTripsAndIsCanonical() {
        Labels a = Labels.parse(List.of("k8s:b=2", "k8s:a=1", "reserved:host"));
        Labels b = Labels.parse(List.of("reserved:host", "k8s:a=1", "k8s:b=2"));
        assertThat(a).isEqualTo(b);
        assertThat(a.toStrings()).containsExactly("k8s:a=1", "k8s:b=2", "reserved:host");
        assertThat(Labels.parse(a.toStrings())).isEqualTo(a);
        assertThat(a.toString()).isEqualTo("k8s:a=1;k8s:b=2;reserved:host");
    }

    @Test
    void keyWithoutSourceIsK8s() {
        assertThat(Label.parse("app=web")).isEqualTo(Label.k8s("app", "web"));
        assertThat(Label.parse("k8s:kubernetes.io/metadata.name=x").key()).isEqualTo("kubernetes.io/metadata.name");
    }

    @Test
    void conflictingValuesForOneKeyAreRejected() {
        assertThatThrownBy(() -> Labels.parse(List.of("k8s:app=a", "k8s:app=b")))
                .hasMessageContaining("k8s:app given twice");
    }

    @Test
    void anySourceSelectorKeyMatchesEverySource() {
        Labels labels = Labels.fromMap("k8s", Map.of("app", "web"));
        assertThat(labels.valueForSelectorKey("any:app")).contains("web");
        assertThat(labels.valueForSelectorKey("k8s:app")).contains("web");
        assertThat(labels.valueForSelectorKey("reserved:app")).isEmpty();
    }
}
