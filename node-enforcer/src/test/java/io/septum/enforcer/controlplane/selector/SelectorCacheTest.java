package io.septum.enforcer.controlplane.selector;

import io.septum.model.labels.EndpointSelector;
import io.septum.model.labels.Labels;
import io.septum.model.labels.SelectorRequirement;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SelectorCacheTest {

    private static final EndpointSelector WEB = EndpointSelector.of(SelectorRequirement.equalTo("k8s:app", "web"));

    @Test
    void tracksIdentitiesAddedBeforeAndAfterTheSelector() {
        SelectorCache cache = new SelectorCache();
        cache.upsertIdentity(256, Labels.parse(List.of("k8s:app=web")));
        cache.register(WEB);
        assertThat(cache.selected(WEB)).containsExactly(256);
        assertThat(cache.upsertIdentity(257, Labels.parse(List.of("k8s:app=web", "k8s:v=2")))).containsExactly(WEB);
        assertThat(cache.upsertIdentity(258, Labels.parse(List.of("k8s:app=db")))).isEmpty();
        assertThat(cache.upsertIdentity(258, Labels.parse(List.of("k8s:app=db")))).as("unchanged labels").isEmpty();
        assertThat(cache.selected(WEB)).containsExactlyInAnyOrder(256, 257);
        assertThat(cache.upsertIdentity(256, Labels.parse(List.of("k8s:app=db")))).as("relabel leaves the selection").containsExactly(WEB);
        assertThat(cache.selected(WEB)).containsExactly(257);
        assertThat(cache.removeIdentity(257)).containsExactly(WEB);
        assertThat(cache.removeIdentity(258)).as("selected by nothing").isEmpty();
        assertThat(cache.selected(WEB)).isEmpty();
    }

    @Test
    void aNewSelectorSeesExactlyWhatAFullScanWouldAfterRelabelsAndRemovals() {
        SelectorCache cache = new SelectorCache();
        cache.upsertIdentity(256, Labels.parse(List.of("k8s:app=web", "k8s:tier=a")));
        cache.upsertIdentity(257, Labels.parse(List.of("k8s:app=db", "k8s:tier=a")));
        cache.upsertIdentity(258, Labels.parse(List.of("k8s:app=web", "k8s:tier=b")));
        cache.upsertIdentity(1, Labels.parse(List.of("reserved:host")));
        cache.upsertIdentity(258, Labels.parse(List.of("k8s:app=db", "k8s:tier=b")));
        cache.removeIdentity(257);
        EndpointSelector anyWebOrDb = EndpointSelector.of(new SelectorRequirement("any:app", io.septum.model.labels.SelectorOperator.In,
                List.of("web", "db")));
        EndpointSelector webTierA = EndpointSelector.of(SelectorRequirement.equalTo("k8s:app", "web"), SelectorRequirement.equalTo("any:tier", "a"));
        EndpointSelector otherSource = EndpointSelector.of(SelectorRequirement.equalTo("reserved:app", "web"));
        EndpointSelector host = EndpointSelector.of(SelectorRequirement.exists("reserved:host"));
        List.of(anyWebOrDb, webTierA, otherSource, host).forEach(cache::register);
        assertThat(cache.selected(anyWebOrDb)).containsExactlyInAnyOrder(256, 258);
        assertThat(cache.selected(webTierA)).containsExactly(256);
        assertThat(cache.selected(otherSource)).as("the index is by plain key; the source still has to match").isEmpty();
        assertThat(cache.selected(host)).containsExactly(1);
    }

    @Test
    void selectorsAreReferenceCounted() {
        SelectorCache cache = new SelectorCache();
        cache.register(WEB);
        cache.register(EndpointSelector.of(SelectorRequirement.equalTo("k8s:app", "web")));
        cache.unregister(WEB);
        assertThat(cache.selected(WEB)).isEmpty();
        cache.unregister(WEB);
        assertThat(cache.selectorCount()).isZero();
        assertThatThrownBy(() -> cache.selected(WEB)).hasMessageContaining("not registered");
    }
}
