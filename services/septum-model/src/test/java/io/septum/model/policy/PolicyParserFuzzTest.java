package io.septum.model.policy;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.fail;

/**
 * Mutates valid documents thousands of times: the parser must either accept or reject with field errors —
 * never throw anything else, so that the services never answer bad input with a 500.
 */
class PolicyParserFuzzTest {

    private static final String SEED = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web, namespace: x, labels: {team: a}}
            spec:
              podSelector:
                matchLabels: {app: web}
                matchExpressions: [{key: tier, operator: In, values: [a, b]}]
              policyTypes: [Ingress, Egress]
              ingress:
                - from:
                    - podSelector: {matchLabels: {app: api}}
                      namespaceSelector: {matchLabels: {team: b}}
                    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
                  ports: [{port: 80}, {port: http, protocol: UDP}, {port: 1000, endPort: 2000}]
              egress:
                - to: [{namespaceSelector: {}}]
            """;
    private static final String CILIUM_SEED = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: web, namespace: x, annotations: {policy.septum.io/audit: "true"}}
            spec:
              endpointSelector: {matchLabels: {app: web, k8s:tier: a}}
              ingress:
                - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: y}}]
                  toPorts: [{ports: [{port: "80", protocol: TCP}, {port: "8000", endPort: 8100, protocol: ANY}], rules: {http: [{}]}}]
                - fromCIDRSet: [{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}]
                - fromEntities: [world, cluster]
                  icmps: [{fields: [{type: 8}]}]
              ingressDeny: [{fromCIDR: [192.0.2.1]}]
              egress: [{toFQDNs: [{matchName: a.example}]}, {toEndpoints: [{}], toPorts: [{ports: [{port: http}]}]}]
              enableDefaultDeny: {egress: false}
            """;
    private static final String ALPHABET = "{}[]:,-'\" \n\tabcxyz0123456789./*&!|>#";

    @Test
    void neverThrowsAnythingButValidationErrors() {
        Random random = new Random(42);
        for (int i = 0; i < 8_000; i++) {
            StringBuilder doc = new StringBuilder(i % 2 == 0 ? SEED : CILIUM_SEED);
            int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                int at = random.nextInt(doc.length());
                switch (random.nextInt(3)) {
                    case 0 -> doc.deleteCharAt(at);
                    case 1 -> doc.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                    default -> doc.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                }
            }
            try {
                PolicyParser.parse(doc.toString()).forEach(PolicyObject::toRules);
            } catch (PolicyValidationException expected) {
                // rejected with field errors: fine
            } catch (RuntimeException | StackOverflowError e) {
                fail("mutation " + i + " made the parser throw " + e + " for:\n" + doc, e);
            }
        }
    }
}
