package io.septum.model.policy.cilium;

import io.septum.model.identity.K8sIdentityLabels;
import io.septum.model.identity.ReservedIdentity;
import io.septum.model.labels.Label;
import io.septum.model.labels.Labels;
import io.septum.model.net.Ipv4Cidr;
import io.septum.model.policy.Direction;
import io.septum.model.policy.FieldError;
import io.septum.model.policy.PolicyObject;
import io.septum.model.policy.PolicyParser;
import io.septum.model.policy.PolicyValidationException;
import io.septum.model.policy.Protocol;
import io.septum.model.policy.rules.Peer;
import io.septum.model.policy.rules.PolicyRule;
import io.septum.model.policy.rules.PolicyRules;
import io.septum.model.policy.rules.PortRule;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CiliumPolicyReaderTest {

    private static final Labels X_A = K8sIdentityLabels.forPod("x", Map.of("app", "a"), Map.of("team", "blue"));
    private static final Labels X_B = K8sIdentityLabels.forPod("x", Map.of("app", "b"), Map.of("team", "blue"));
    private static final Labels Y_A = K8sIdentityLabels.forPod("y", Map.of("app", "a"), Map.of("team", "red"));

    private static PolicyRules cnp(String spec) throws Exception {
        return cnp(spec, "");
    }

    private static PolicyRules cnp(String spec, String annotations) throws Exception {
        String doc = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: x" + annotations
                + "}\nspec:\n" + spec.indent(2);
        return single(PolicyParser.parse(doc).getFirst());
    }

    private static PolicyRules ccnp(String spec) throws Exception {
        String doc = "apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: p}\nspec:\n" + spec.indent(2);
        return single(PolicyParser.parse(doc).getFirst());
    }

    /** The rules of a policy with one subject (spec, not specs). */
    private static PolicyRules single(PolicyObject policy) {
        assertThat(policy.toRules()).as("one subject").hasSize(1);
        return policy.toRules().getFirst();
    }

    /** Every error path and message of a rejected CiliumNetworkPolicy whose specs are {@code specs}. */
    private static List<String> specsErrors(String specs) {
        String doc = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: x}\nspecs:\n" + specs.indent(2);
        PolicyValidationException e = catchThrowableOfType(PolicyValidationException.class, () -> PolicyParser.parse(doc));
        assertThat(e).as("expected a rejection of:\n" + specs).isNotNull();
        return e.errors().stream().map(FieldError::toString).toList();
    }

    /** Every error path and message of a rejected spec. */
    private static List<String> errors(String spec) {
        String doc = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: x}\nspec:\n" + spec.indent(2);
        PolicyValidationException e = catchThrowableOfType(PolicyValidationException.class, () -> PolicyParser.parse(doc));
        assertThat(e).as("expected a rejection of:\n" + spec).isNotNull();
        return e.errors().stream().map(FieldError::toString).toList();
    }

    private static boolean selects(Peer peer, Labels labels) {
        return ((Peer.Selected) peer).selector().matches(labels);
    }

    @Test
    void namespacedPolicySelectsItsNamespaceAndDefaultsPeersToIt() throws Exception {
        PolicyRules r = cnp("""
                endpointSelector: {matchLabels: {app: a}}
                ingress:
                  - fromEndpoints:
                      - matchLabels: {app: b}
                      - matchLabels: {k8s:app: a, k8s:io.kubernetes.pod.namespace: y}
                      - {}
                """);
        assertThat(r.ref().toString()).isEqualTo("CiliumNetworkPolicy x/p");
        assertThat(r.subject().matches(X_A)).isTrue();
        assertThat(r.subject().matches(Y_A)).as("a CNP never selects another namespace").isFalse();
        List<Peer> peers = r.rules().getFirst().peers();
        assertThat(selects(peers.get(0), X_B)).isTrue();
        assertThat(selects(peers.get(0), Y_A)).isFalse();
        assertThat(selects(peers.get(1), Y_A)).as("naming the namespace key lifts the default").isTrue();
        assertThat(selects(peers.get(1), X_A)).isFalse();
        assertThat(selects(peers.get(2), X_B)).isTrue();
        assertThat(selects(peers.get(2), Y_A)).isFalse();
        assertThat(r.isolates()).containsExactly(Direction.INGRESS);
    }

    @Test
    void clusterwidePolicyHasNoNamespace() throws Exception {
        PolicyRules r = ccnp("""
                endpointSelector: {matchExpressions: [{key: app, operator: In, values: [a]}]}
                egress:
                  - toEndpoints: [{matchLabels: {app: b}}]
                """);
        assertThat(r.ref().namespace()).isEmpty();
        assertThat(r.ref().key()).isEqualTo("ciliumclusterwidenetworkpolicy._.p");
        assertThat(r.subject().matches(X_A)).isTrue();
        assertThat(r.subject().matches(Y_A)).isTrue();
        assertThat(selects(r.rules().getFirst().peers().getFirst(), X_B)).isTrue();
        assertThat(r.isolates()).containsExactly(Direction.EGRESS);
        Peer every = ccnp("endpointSelector: {}\ningress: [{fromEndpoints: [{}, {matchLabels: {reserved:host: \"\"}}]}]").rules().getFirst().peers().getFirst();
        assertThat(selects(every, Y_A)).isTrue();
        assertThat(selects(every, ReservedIdentity.WORLD.labels())).as("{} is every pod, not the world").isFalse();
    }

    @Test
    void entitiesMapToReservedIdentitiesAndTheCluster() throws Exception {
        PolicyRules r = cnp("""
                endpointSelector: {}
                ingress:
                  - fromEntities: [world, host, remote-node, all]
                  - fromEntities: [cluster]
                """);
        assertThat(r.rules().get(0).peers()).containsExactly(new Peer.Entity(ReservedIdentity.WORLD),
                new Peer.Entity(ReservedIdentity.HOST), new Peer.Entity(ReservedIdentity.REMOTE_NODE), new Peer.Any());
        List<Peer> cluster = r.rules().get(1).peers();
        assertThat(selects(cluster.getFirst(), Y_A)).as("every pod of every namespace").isTrue();
        assertThat(selects(cluster.getFirst(), ReservedIdentity.WORLD.labels())).isFalse();
        assertThat(cluster).contains(new Peer.Entity(ReservedIdentity.HOST), new Peer.Entity(ReservedIdentity.REMOTE_NODE),
                new Peer.Entity(ReservedIdentity.HEALTH), new Peer.Entity(ReservedIdentity.INIT))
                .doesNotContain(new Peer.Entity(ReservedIdentity.WORLD));
        assertThat(errors("endpointSelector: {}\ningress: [{fromEntities: [wrld]}]"))
                .singleElement().asString().startsWith("spec.ingress[0].fromEntities[0]: unknown entity 'wrld'");
    }

    @Test
    void cidrRulesWithExceptAndBareAddresses() throws Exception {
        PolicyRules r = cnp("""
                endpointSelector: {}
                egress:
                  - toCIDR: [203.0.113.10, 198.51.100.0/24, "2001:db8::/32"]
                  - toCIDRSet: [{cidr: 192.0.2.0/24, except: [192.0.2.128/25]}]
                """);
        assertThat(r.rules().get(0).peers()).containsExactly(new Peer.Cidr(Ipv4Cidr.parse("203.0.113.10/32"), List.of()),
                new Peer.Cidr(Ipv4Cidr.parse("198.51.100.0/24"), List.of()));
        assertThat(r.rules().get(1).peers()).containsExactly(new Peer.Cidr(Ipv4Cidr.parse("192.0.2.0/24"),
                List.of(Ipv4Cidr.parse("192.0.2.128/25"))));
        assertThat(errors("endpointSelector: {}\negress: [{toCIDRSet: [{cidr: 192.0.2.0/24, except: [10.0.0.0/8]}]}]"))
                .containsExactly("spec.egress[0].toCIDRSet[0].except[0]: must be strictly within cidr 192.0.2.0/24");
        assertThat(errors("endpointSelector: {}\negress: [{toCIDR: [300.1.1.1/8]}]"))
                .containsExactly("spec.egress[0].toCIDR[0]: '300.1.1.1/8' is not a valid CIDR");
    }

    @Test
    void portsRangesNamesAndProtocolAny() throws Exception {
        PolicyRules r = cnp("""
                endpointSelector: {}
                ingress:
                  - toPorts:
                      - ports: [{port: "80", protocol: TCP}, {port: "8000", endPort: 8099, protocol: UDP}, {port: http, protocol: TCP}]
                  - toPorts: [{ports: [{port: "53"}]}]
                  - toPorts: [{ports: [{port: "0", protocol: SCTP}]}]
                  - toPorts: [{}]
                """);
        PolicyRule first = r.rules().get(0);
        assertThat(first.peers()).as("an L4-only rule applies to every peer").containsExactly(new Peer.Any());
        assertThat(first.ports()).containsExactly(PortRule.port(Protocol.TCP, 80), new PortRule(Protocol.UDP, 8000, 8099, null),
                new PortRule(Protocol.TCP, 0, 0, "http"));
        assertThat(r.rules().get(1).ports()).as("protocol defaults to ANY").containsExactly(PortRule.port(Protocol.TCP, 53),
                PortRule.port(Protocol.UDP, 53), PortRule.port(Protocol.SCTP, 53));
        assertThat(r.rules().get(2).ports()).containsExactly(PortRule.allPorts(Protocol.SCTP));
        assertThat(r.rules().get(3).ports()).as("a toPorts entry without ports is every port").isEmpty();
    }

    @Test
    void icmpTypesBecomeIcmpPortRules() throws Exception {
        PolicyRules r = cnp("""
                endpointSelector: {}
                ingress:
                  - icmps: [{fields: [{type: 8, family: IPv4}, {type: TimeExceeded}, {type: 128, family: IPv6}]}]
                """);
        assertThat(r.rules().getFirst().ports()).containsExactly(PortRule.port(Protocol.ICMP, 8), PortRule.port(Protocol.ICMP, 11));
        PolicyRules v6only = cnp("endpointSelector: {}\ningress: [{icmps: [{fields: [{type: 128, family: IPv6}]}]}]");
        assertThat(v6only.rules()).as("an ICMPv6-only rule allows nothing here, never every port").isEmpty();
        assertThat(v6only.isolates()).containsExactly(Direction.INGRESS);
    }

    @Test
    void denyRulesAndDefaultDeny() throws Exception {
        PolicyRules r = cnp("""
                endpointSelector: {}
                ingressDeny:
                  - fromEntities: [world]
                egressDeny:
                  - toPorts: [{ports: [{port: "22", protocol: TCP}]}]
                enableDefaultDeny: {egress: false}
                """);
        assertThat(r.rules()).extracting(PolicyRule::action).containsOnly(PolicyRule.Action.DENY);
        assertThat(r.rules()).extracting(rule -> rule.ref().toString())
                .containsExactly("CiliumNetworkPolicy x/p ingressDeny[0]", "CiliumNetworkPolicy x/p egressDeny[0]");
        assertThat(r.isolates()).containsExactly(Direction.INGRESS);
        assertThat(r.dropsIn()).containsExactlyInAnyOrder(Direction.INGRESS, Direction.EGRESS);
        assertThat(cnp("endpointSelector: {}\ningress: [{}]").rules()).as("'- {}' allows nothing").isEmpty();
        assertThat(cnp("endpointSelector: {}\ningress: [{}]").isolates()).containsExactly(Direction.INGRESS);
        assertThat(cnp("endpointSelector: {}\ningress: []").isolates()).as("an empty list does not isolate").isEmpty();
        assertThat(cnp("endpointSelector: {}\ningress: [{}]\nenableDefaultDeny: {ingress: false}").isolates()).isEmpty();
    }

    @Test
    void layer7PartsAreStoredButReportedAndLeftOut() throws Exception {
        PolicyRules r = cnp("""
                endpointSelector: {}
                ingress:
                  - fromEndpoints: [{}]
                    toPorts: [{ports: [{port: "80", protocol: TCP}], rules: {http: [{method: GET, path: /}]}}]
                  - fromEndpoints: [{}]
                    toPorts: [{ports: [{port: "81", protocol: TCP}]}]
                egress:
                  - toFQDNs: [{matchName: example.com}]
                """);
        assertThat(r.notEnforceable()).containsExactly(
                "spec.ingress[0].toPorts[0].rules.http: L7 rules are not enforced (no L7 proxy); the rule allows nothing",
                "spec.egress[0].toFQDNs: DNS-based peers are not enforced (no DNS proxy); the rule allows nothing");
        assertThat(r.rules()).extracting(rule -> rule.ref().toString()).containsExactly("CiliumNetworkPolicy x/p ingress[1]");
        assertThat(r.isolates()).containsExactlyInAnyOrder(Direction.INGRESS, Direction.EGRESS);
        PolicyObject stored = PolicyParser.parse("""
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: p, namespace: x, uid: abc}
                spec:
                  endpointSelector: {}
                  egress: [{toFQDNs: [{matchName: example.com}]}]
                """).getFirst();
        assertThat(stored.document().path("spec").path("egress").path(0).path("toFQDNs").path(0).path("matchName").asText())
                .isEqualTo("example.com");
        assertThat(stored.document().path("metadata").has("uid")).isFalse();
        assertThat(PolicyParser.parseDocument(stored.document()).toRules()).isEqualTo(stored.toRules());
    }

    @Test
    void auditAnnotation() throws Exception {
        assertThat(cnp("endpointSelector: {}", ", annotations: {policy.septum.io/audit: \"true\"}").audit()).isTrue();
        assertThat(cnp("endpointSelector: {}").audit()).isFalse();
        String doc = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, annotations: {policy.septum.io/audit: maybe}}\n"
                + "spec: {endpointSelector: {}}";
        assertThatThrownBy(() -> PolicyParser.parse(doc)).hasMessage("metadata.annotations.policy.septum.io/audit: must be \"true\" or \"false\", got 'maybe'");
        String np = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, annotations: {policy.septum.io/audit: \"true\"}}\n"
                + "spec: {podSelector: {}}";
        assertThat(single(PolicyParser.parse(np).getFirst()).audit()).as("NetworkPolicy takes the annotation too").isTrue();
    }

    @Test
    void rejectsWhatCiliumRejectsWithFieldPaths() {
        assertThat(errors("endpointSelector: {}\ningress: [{fromEndpoints: [{}], fromCIDR: [10.0.0.0/8]}]"))
                .containsExactly("spec.ingress[0]: fromEndpoints and fromCIDR/fromCIDRSet cannot be combined in one rule (Cilium rejects it too): write one rule for each");
        assertThat(errors("endpointSelector: {}\negress: [{toEntities: [world], toEndpoints: [{}]}]")).singleElement().asString()
                .startsWith("spec.egress[0]: toEndpoints and toEntities cannot be combined");
        assertThat(errors("endpointSelector: {}\ningress: [{toPorts: [{ports: [{port: \"80\"}]}], icmps: [{fields: [{type: 8}]}]}]"))
                .singleElement().asString().startsWith("spec.ingress[0]: toPorts and icmps cannot be combined");
        assertThat(errors("endpointSelector: {}\ningress: [{toPorts: [{ports: [{port: http, endPort: 90}]}]}]"))
                .containsExactly("spec.ingress[0].toPorts[0].ports[0].endPort: cannot be combined with a port name ('http'): a range needs a numeric port");
        assertThat(errors("endpointSelector: {}\ningress: [{toPorts: [{ports: [{port: \"90\", endPort: 80}]}]}]"))
                .containsExactly("spec.ingress[0].toPorts[0].ports[0].endPort: must be greater than or equal to port (90)");
        assertThat(errors("endpointSelector: {}\ningress: [{toPorts: [{ports: [{port: \"70000\"}]}]}]"))
                .containsExactly("spec.ingress[0].toPorts[0].ports[0].port: must be between 0 and 65535, got 70000");
        assertThat(errors("endpointSelector: {}\ningress: [{toPorts: [{ports: [{port: \"80\", protocol: ICMP}]}]}]"))
                .containsExactly("spec.ingress[0].toPorts[0].ports[0].protocol: unsupported protocol 'ICMP' (TCP, UDP, SCTP, ANY; ICMP goes in icmps)");
        assertThat(errors("endpointSelector: {matchExpressions: [{key: app, operator: Equals, values: [a]}]}"))
                .containsExactly("spec.endpointSelector.matchExpressions[0].operator: unsupported operator 'Equals' (In, NotIn, Exists, DoesNotExist)");
        assertThat(errors("endpointSelector: {matchLabels: {\"K8S:app\": a}}")).singleElement().asString()
                .startsWith("spec.endpointSelector.matchLabels.K8S:app: key 'K8S:app' has an invalid source");
        assertThat(errors("endpointSelector: {}\ningressDeny: [{fromEndpoints: [{}], toPorts: [{ports: [{port: \"80\"}], rules: {http: [{}]}}]}]"))
                .singleElement().asString().startsWith("spec.ingressDeny[0].toPorts[0].rules: unknown field");
        assertThat(errors("endpointSelector: {}\negress: [{toServices: [{k8sService: {serviceName: s}}]}]")).singleElement().asString()
                .startsWith("spec.egress[0].toServices: is not supported by Septum");
        assertThat(errors("nodeSelector: {}")).containsExactly(
                "spec.nodeSelector: is only allowed in a CiliumClusterwideNetworkPolicy (host policies are cluster-wide)");
        assertThat(errors("ingress: []")).containsExactly("spec.endpointSelector: is required");
        assertThat(errors("endpointSelector: {}\nenableDefaultDeny: {ingress: maybe}"))
                .containsExactly("spec.enableDefaultDeny.ingress: must be true or false");
        assertThat(errors("endpointSelector: {}\ningress: [{icmps: [{fields: [{type: 0}]}]}]")).singleElement().asString()
                .startsWith("spec.ingress[0].icmps[0].fields[0].type: type 0 (EchoReply) cannot be named");
    }

    @Test
    void nodeSelectorSelectsHostEndpointsByNodeLabelsNeverPods() throws Exception {
        PolicyRules r = ccnp("nodeSelector: {matchLabels: {role: ingress}}\ningress: [{fromEntities: [world], toPorts: [{ports: [{port: \"22\"}]}]}]");
        Labels ingressNode = Labels.of(new Label(Label.SOURCE_RESERVED, "host", ""), new Label(Label.SOURCE_NODE, "role", "ingress"));
        Labels otherNode = Labels.of(new Label(Label.SOURCE_RESERVED, "host", ""), new Label(Label.SOURCE_NODE, "role", "worker"));
        assertThat(r.subject().matches(ingressNode)).isTrue();
        assertThat(r.subject().matches(otherNode)).isFalse();
        // A pod with the same label is no node.
        assertThat(r.subject().matches(Labels.of(Label.k8s("role", "ingress"), Label.k8s("io.kubernetes.pod.namespace", "x")))).isFalse();
        assertThat(r.isolates()).containsExactly(Direction.INGRESS);
        assertThat(r.rules()).singleElement().satisfies(rule -> assertThat(rule.ref().path()).isEqualTo("ingress[0]"));
        // An empty nodeSelector is every node, and still no pod.
        PolicyRules all = ccnp("nodeSelector: {}\negress: [{toEntities: [cluster]}]");
        assertThat(all.subject().matches(otherNode)).isTrue();
        assertThat(all.subject().matches(Labels.of(Label.k8s("io.kubernetes.pod.namespace", "x")))).isFalse();

        String both = "apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: p}\n"
                + "spec: {endpointSelector: {}, nodeSelector: {matchExpressions: [{key: role, operator: Bogus}]}}";
        PolicyValidationException e = catchThrowableOfType(PolicyValidationException.class, () -> PolicyParser.parse(both));
        assertThat(e.errors()).extracting(FieldError::toString)
                .containsExactly("spec.nodeSelector: cannot be given together with endpointSelector: a rule selects pods or nodes");
        String badOperator = "apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: p}\n"
                + "spec: {nodeSelector: {matchExpressions: [{key: role, operator: Bogus}]}}";
        e = catchThrowableOfType(PolicyValidationException.class, () -> PolicyParser.parse(badOperator));
        assertThat(e.errors()).extracting(FieldError::toString).singleElement().asString()
                .startsWith("spec.nodeSelector.matchExpressions[0].operator");
    }

    @Test
    void specsWithOneRuleAndApiVersionChecks() throws Exception {
        String specs = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: x}\n"
                + "specs: [{endpointSelector: {}, ingress: [{}]}]";
        assertThat(single(PolicyParser.parse(specs).getFirst()).isolates()).containsExactly(Direction.INGRESS);
        String wrongVersion = "apiVersion: cilium.io/v1\nkind: CiliumNetworkPolicy\nmetadata: {name: p}\nspec: {endpointSelector: {}}";
        assertThatThrownBy(() -> PolicyParser.parse(wrongVersion))
                .hasMessage("apiVersion: unsupported apiVersion 'cilium.io/v1' for CiliumNetworkPolicy (expected cilium.io/v2)");
    }

    @Test
    void specsHoldSeveralRulesEachWithItsOwnSubjectAndNamedByItsPath() throws Exception {
        String doc = """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: p, namespace: x}
                specs:
                  - endpointSelector: {matchLabels: {app: a}}
                    ingress: [{fromEndpoints: [{matchLabels: {app: b}}]}]
                  - endpointSelector: {matchLabels: {app: b}}
                    egress: [{toEntities: [world]}]
                    egressDeny: [{toCIDR: [192.0.2.0/24]}, {toPorts: [{ports: [{port: "25"}]}]}]
                  - endpointSelector: {matchLabels: {app: c}}
                    ingress:
                      - toPorts: [{ports: [{port: "80"}], rules: {http: [{method: GET}]}}]
                """;
        PolicyObject policy = PolicyParser.parse(doc).getFirst();
        List<PolicyRules> parts = policy.toRules();
        assertThat(parts).hasSize(3).allSatisfy(part -> assertThat(part.ref()).isEqualTo(policy.ref()));

        PolicyRules first = parts.get(0);
        assertThat(first.subject().matches(X_A)).isTrue();
        assertThat(first.subject().matches(X_B)).isFalse();
        assertThat(first.isolates()).containsExactly(Direction.INGRESS);
        assertThat(first.rules()).extracting(r -> r.ref().toString()).containsExactly("CiliumNetworkPolicy x/p specs[0].ingress[0]");

        PolicyRules second = parts.get(1);
        assertThat(second.subject().matches(X_B)).isTrue();
        assertThat(second.subject().matches(X_A)).isFalse();
        assertThat(second.isolates()).as("each element isolates only its own endpoints, in its own directions")
                .containsExactly(Direction.EGRESS);
        assertThat(second.rules()).extracting(r -> r.ref().path())
                .containsExactly("specs[1].egress[0]", "specs[1].egressDeny[0]", "specs[1].egressDeny[1]");
        assertThat(second.rules()).extracting(PolicyRule::action)
                .containsExactly(PolicyRule.Action.ALLOW, PolicyRule.Action.DENY, PolicyRule.Action.DENY);
        assertThat(second.rules().stream().map(r -> r.ref().number()).distinct())
                .as("rules of different elements have different numbers in the datapath").hasSize(3);
        PolicyRules asSpec = cnp("endpointSelector: {matchLabels: {app: a}}\ningress: [{fromEndpoints: [{matchLabels: {app: b}}]}]");
        assertThat(asSpec.rules().getFirst().ref().path()).isEqualTo("ingress[0]");
        assertThat(first.rules().getFirst().ref().number()).as("specs[0].ingress[0] is another rule than spec's ingress[0]")
                .isNotEqualTo(asSpec.rules().getFirst().ref().number());

        PolicyRules third = parts.get(2);
        assertThat(third.rules()).as("the L7 rule is left out").isEmpty();
        assertThat(third.isolates()).containsExactly(Direction.INGRESS);
        assertThat(third.notEnforceable()).singleElement().asString().startsWith("specs[2].ingress[0].toPorts[0].rules.http:");
        assertThat(first.notEnforceable()).as("each element reports only its own paths").isEmpty();
    }

    @Test
    void errorsInsideSpecsNameTheElement() {
        assertThat(specsErrors("""
                - endpointSelector: {}
                  ingress: [{fromEndpoints: [{}]}]
                - endpointSelector: {matchExpressions: [{key: app, operator: Equals, values: [a]}]}
                - ingress: [{toPorts: [{ports: [{port: "70000"}]}]}]
                - endpointSelector: {}
                  egress: [{toEntities: [world], toCIDR: [192.0.2.0/24]}]
                  egressDeny: [{toEndpoints: [{}], toPorts: [{ports: [{port: http, endPort: 90}]}]}]
                """)).containsExactly(
                "specs[1].endpointSelector.matchExpressions[0].operator: unsupported operator 'Equals' (In, NotIn, Exists, DoesNotExist)",
                "specs[2].endpointSelector: is required",
                "specs[2].ingress[0].toPorts[0].ports[0].port: must be between 0 and 65535, got 70000",
                "specs[3].egress[0]: toCIDR/toCIDRSet and toEntities cannot be combined in one rule (Cilium rejects it too): write one rule for each",
                "specs[3].egressDeny[0].toPorts[0].ports[0].endPort: cannot be combined with a port name ('http'): a range needs a numeric port");
        assertThat(specsErrors("[]")).containsExactly("specs: must hold at least one rule");
        assertThat(specsErrors("- 42")).containsExactly("specs[0]: must be an object");
        assertThat(specsErrors("- {endpointSelector: {}, egres: []}")).singleElement().asString().startsWith("specs[0].egres: unknown field");
        String both = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: x}\n"
                + "spec: {endpointSelector: {}}\nspecs: [{endpointSelector: {}}]";
        assertThatThrownBy(() -> PolicyParser.parse(both)).hasMessageContaining("specs: cannot be given together with spec");
    }
}
