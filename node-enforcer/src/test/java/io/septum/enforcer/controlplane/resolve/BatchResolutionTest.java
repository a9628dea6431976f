package io.septum.enforcer.controlplane.resolve;

import io.septum.enforcer.controlplane.cluster.ClusterState;
import io.septum.enforcer.controlplane.mapstate.RuleRefs;
import io.septum.model.identity.K8sIdentityLabels;
import io.septum.model.kv.NamedPort;
import io.septum.model.labels.Labels;
import io.septum.model.policy.PolicyParser;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch shares one resolution between endpoints selected alike, and gives every endpoint exactly what resolving it
 * alone gives: same entries, same inputs (its own subject), same rule key counts and audited directions.
 */
class BatchResolutionTest {

    @Test
    void everyEndpointGetsWhatResolvingItAloneGivesAndAlikeEndpointsShareOneComputation() throws Exception {
        ClusterState cluster = new ClusterState();
        List<EndpointSubject> endpoints = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String namespace = "ns-" + (i % 3);
            Labels labels = K8sIdentityLabels.forPod(namespace, Map.of("app", "app-" + (i % 4), "pod", "p" + i), Map.of());
            cluster.upsertIdentity(1000 + i, labels);
            // Every fifth endpoint names its port "web": an ingress rule by that name resolves against it alone.
            List<NamedPort> ports = i % 5 == 0 ? List.of(new NamedPort("web", 8000 + i % 2, "TCP")) : List.of();
            endpoints.add(new EndpointSubject(1000 + i, labels, ports));
        }
        String documents = """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: a, namespace: ns-0}
                spec:
                  endpointSelector: {matchLabels: {app: app-0}}
                  ingress:
                    - fromEndpoints: [{matchLabels: {app: app-1}}]
                      toPorts: [{ports: [{port: "9000", endPort: 9099, protocol: TCP}, {port: web, protocol: TCP}]}]
                    - fromCIDRSet: [{cidr: 10.1.0.0/16, except: [10.1.1.0/24]}]
                  ingressDeny:
                    - fromEndpoints: [{matchLabels: {app: app-1}}]
                      toPorts: [{ports: [{port: "9010", protocol: TCP}]}]
                  egress:
                    - toEntities: [cluster]
                      toPorts: [{ports: [{port: "53", protocol: UDP}]}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: b, namespace: ns-1, annotations: {policy.septum.io/audit: "true"}}
                spec:
                  podSelector: {matchLabels: {app: app-2}}
                  ingress: [{from: [{namespaceSelector: {}}], ports: [{port: 80}]}]
                ---
                apiVersion: cilium.io/v2
                kind: CiliumClusterwideNetworkPolicy
                metadata: {name: c}
                spec:
                  endpointSelector: {matchLabels: {app: app-3}}
                  egressDeny: [{toCIDR: [192.0.2.1/32]}]
                """;
        PolicyParser.parse(documents).forEach(policy -> cluster.upsertPolicy(policy.toRules()));
        cluster.drainChanges();
        EndpointPolicyResolver resolver = new EndpointPolicyResolver(true);
        RuleRefs ruleRefs = new RuleRefs();
        ruleRefs.reset(cluster.policies());
        EndpointPolicyResolver.Batch batch = resolver.batch(cluster, ruleRefs);
        for (EndpointSubject endpoint : endpoints) {
            Resolution alone = resolver.resolve(endpoint, cluster, ruleRefs);
            Resolution shared = batch.resolve(endpoint);
            assertThat(shared.state().entries()).as("entries of %s", endpoint.identity()).isEqualTo(alone.state().entries());
            assertThat(shared.inputs()).isEqualTo(alone.inputs());
            assertThat(shared.inputs().subject()).isEqualTo(endpoint);
            assertThat(shared.keysByRule()).isEqualTo(alone.keysByRule());
            assertThat(shared.audited()).isEqualTo(alone.audited());
        }
        // Computed once per selection (by a, b, c or none) and named ports (none, web 8000, web 8001): at most 12 of 60.
        assertThat(batch.computedCount()).isBetween(4, 12);
    }
}
