package io.septum.cli.identity;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IdentityServiceTest {

    @Test
    void labelArgumentsAreKubernetesLabelsUnlessTheyNameTheirSource() {
        assertThat(IdentityService.labelTexts(List.of("app=web", "app.kubernetes.io/name=shop", "tier=",
                "reserved:world", "k8s:team=blue", "cidr:10.0.0.0/8", "app=a:b")))
                .containsExactly("k8s:app=web", "k8s:app.kubernetes.io/name=shop", "k8s:tier=",
                        "reserved:world", "k8s:team=blue", "cidr:10.0.0.0/8", "k8s:app=a:b");
    }
}
