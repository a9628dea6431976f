package io.septum.model.policy;

import io.septum.model.policy.k8s.NetworkPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class PolicyParserTest {

    static final String BACKEND_ACCESS = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: backend-access}
            spec:
              podSelector: {matchLabels: {app: backend}}
              ingress:
                - from: [{podSelector: {matchLabels: {app: frontend}}}]
              policyTypes: [Ingress]
            """;

    @Test
    void readsTheDemoPolicyIntoTheDefaultNamespace() throws Exception {
        List<PolicyObject> objects = PolicyParser.parse(BACKEND_ACCESS);
        assertThat(objects).hasSize(1);
        NetworkPolicy policy = (NetworkPolicy) objects.getFirst();
        assertThat(policy.ref()).isEqualTo(new PolicyRef("NetworkPolicy", "default", "backend-access"));
        assertThat(policy.spec().podSelector().matchLabels()).containsEntry("app", "backend");
        assertThat(policy.spec().ingress()).hasSize(1);
        assertThat(policy.document().path("metadata").path("namespace").asText()).isEqualTo("default");
    }

    @Test
    void readsMultiDocumentYamlListsAndJson() throws Exception {
        String multi = BACKEND_ACCESS + "---\n" + BACKEND_ACCESS.replace("backend-access", "second") + "---\n# only a comment\n";
        assertThat(PolicyParser.parse(multi)).extracting(o -> o.ref().name()).containsExactly("backend-access", "second");

        String list = """
                apiVersion: v1
                kind: List
                items:
                  - apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: a, namespace: x}
                    spec: {podSelector: {}}
                """;
        assertThat(PolicyParser.parse(list)).extracting(o -> o.ref().namespace()).containsExactly("x");

        String json = """
                [{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"j","namespace":"y"},
                  "spec":{"podSelector":{},"policyTypes":["Egress"]}}]
                """;
        assertThat(PolicyParser.parse(json)).extracting(o -> o.ref().toString()).containsExactly("NetworkPolicy y/j");
    }

    @Test
    void theStoredDocumentParsesToTheSameObject() throws Exception {
        PolicyObject original = PolicyParser.parse(BACKEND_ACCESS, "x").getFirst();
        PolicyObject again = PolicyParser.parseDocument(original.document());
        assertThat(again).isEqualTo(original);
        assertThat(again.toRules()).isEqualTo(original.toRules());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            spec: {podSelector: {}, ingress: [{ports: [{port: 70000}]}]}                                  | spec.ingress[0].ports[0].port           | between 1 and 65535
            spec: {podSelector: {}, ingress: [{ports: [{port: 0}]}]}                                      | spec.ingress[0].ports[0].port           | between 1 and 65535
            spec: {podSelector: {}, ingress: [{ports: [{port: 80, protocol: ICMP}]}]}                     | spec.ingress[0].ports[0].protocol       | unsupported protocol
            spec: {podSelector: {}, ingress: [{ports: [{port: http-, protocol: TCP}]}]}                   | spec.ingress[0].ports[0].port           | neither a port number nor a valid port name
            spec: {podSelector: {}, ingress: [{ports: [{port: 90, endPort: 80}]}]}                        | spec.ingress[0].ports[0].endPort        | greater than or equal
            spec: {podSelector: {}, ingress: [{ports: [{port: http, endPort: 80}]}]}                      | spec.ingress[0].ports[0].endPort        | requires port to be a number
            spec: {podSelector: {}, egress: [{to: [{ipBlock: {cidr: 10.0.0.0/33}}]}]}                     | spec.egress[0].to[0].ipBlock.cidr       | not a valid CIDR
            spec: {podSelector: {}, egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [11.0.0.0/16]}}]}]} | spec.egress[0].to[0].ipBlock.except[0] | strictly within
            spec: {podSelector: {}, egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]}]}     | spec.egress[0].to[0]                    | cannot be combined
            spec: {podSelector: {}, egress: [{to: [{}]}]}                                                 | spec.egress[0].to[0]                    | must specify a peer
            spec: {podSelector: {matchExpressions: [{key: app, operator: Has}]}}                          | spec.podSelector.matchExpressions[0].operator | unsupported operator
            spec: {podSelector: {matchExpressions: [{key: app, operator: In}]}}                           | spec.podSelector.matchExpressions[0].values   | must be non-empty
            spec: {podSelector: {matchExpressions: [{key: app, operator: Exists, values: [a]}]}}          | spec.podSelector.matchExpressions[0].values   | must be empty
            spec: {podSelector: {matchLabels: {app: 5}}}                                                  | spec.podSelector.matchLabels.app        | must be a string
            spec: {podSelector: {matchLabels: {'bad key!': x}}}                                           | spec.podSelector.matchLabels.bad key!   | invalid
            spec: {podSelector: {}, policyTypes: [Sideways]}                                              | spec.policyTypes[0]                     | unsupported policy type
            spec: {podSelector: {}, ingres: []}                                                           | spec.ingres                             | unknown field
            spec: {podSelector: {}, ingress: {from: []}}                                                  | spec.ingress                            | must be a list
            """)
    void rejectsBadFieldsNamingThem(String spec, String path, String message) {
        String document = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n" + spec + "\n";
        PolicyValidationException e = catchThrowableOfType(PolicyValidationException.class, () -> PolicyParser.parse(document));
        assertThat(e).as("no error for %s", spec).isNotNull();
        assertThat(e.errors()).anySatisfy(error -> {
            assertThat(error.path()).isEqualTo(path);
            assertThat(error.message()).contains(message);
        });
    }

    @Test
    void reportsEveryBadDocumentOfABundleAndKeepsNone() {
        String bundle = BACKEND_ACCESS + "---\n" + """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: BAD_NAME}
                spec: {podSelector: {}}
                ---
                apiVersion: networking.k8s.io/v2
                kind: NetworkPolicy
                metadata: {name: p}
                spec: {}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: c}
                """;
        PolicyValidationException e = catchThrowableOfType(PolicyValidationException.class, () -> PolicyParser.parse(bundle));
        assertThat(e.errors()).extracting(FieldError::document, FieldError::path)
                .contains(org.assertj.core.groups.Tuple.tuple(1, "metadata.name"),
                        org.assertj.core.groups.Tuple.tuple(2, "apiVersion"),
                        org.assertj.core.groups.Tuple.tuple(3, "kind"));
        assertThat(e.getMessage()).contains("document 1: metadata.name");
    }

    @Test
    void rejectsDuplicatesGarbageAndEmptyInput() {
        assertThatThrownBy(() -> PolicyParser.parse(BACKEND_ACCESS + "---\n" + BACKEND_ACCESS)).hasMessageContaining("more than once");
        assertThatThrownBy(() -> PolicyParser.parse("a: [b")).isInstanceOf(PolicyValidationException.class).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> PolicyParser.parse("")).hasMessageContaining("no policy documents");
        assertThatThrownBy(() -> PolicyParser.parse("- 1\n- 2\n")).isInstanceOf(PolicyValidationException.class);
    }
}
