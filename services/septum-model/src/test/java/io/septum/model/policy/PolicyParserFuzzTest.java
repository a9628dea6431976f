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
    private static final String ALPHABET = "{}[]:,-'\" \n\tabcxyz0123456789./*&!|>#";

    @Test
    void neverThrowsAnythingButValidationErrors() {
        Random random = new Random(42);
        for (int i = 0; i < 5_000; i++) {
            StringBuilder doc = new StringBuilder(SEED);
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
