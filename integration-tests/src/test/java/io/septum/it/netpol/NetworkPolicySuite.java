package io.septum.it.netpol;

import io.septum.it.LabPod;
import io.septum.it.PolicyLab;
import io.septum.it.ProbePort;
import io.septum.it.Reachability;
import org.junit.jupiter.api.Test;

import java.util.function.Predicate;

import static io.septum.it.LabPod.any;
import static io.septum.it.LabPod.inNamespace;
import static io.septum.it.LabPod.named;
import static io.septum.it.LabPod.pods;
import static io.septum.it.PolicyLab.policy;
import static io.septum.it.ProbePort.TCP_80;
import static io.septum.it.ProbePort.TCP_81;
import static io.septum.it.ProbePort.UDP_80;
import static io.septum.it.ProbePort.UDP_81;

/**
 * Kubernetes NetworkPolicy semantics, end to end, in the model of the Kubernetes e2e network policy suite:
 * namespaces x, y and z with pods a, b and c each (label {@code pod=<name>}, namespaces labelled
 * {@code kubernetes.io/metadata.name}), each serving ports 80 and 81 over TCP and UDP
 * ({@code infra/lab/e2e-model.yaml}). Every case applies policies through the CLI, waits until every node
 * enforces them, and checks full 9x9 reachability matrices against an expectation written from the
 * Kubernetes documentation. The cases are written here from those semantics; none is copied from upstream.
 *
 * <p>One lab serves the whole class; every case leaves it as it found it (policies deleted, labels put
 * back). Concrete classes choose the number of nodes: the expectations are the same on one node and on
 * several, where most pairs of pods cross the underlay and are enforced on both nodes.
 */
abstract class NetworkPolicySuite {

    /** The lab of every concrete class, each with its own {@code @Lab(file = LAB_FILE, nodes = …, resetAfterEach = true)}. */
    static final String LAB_FILE = "infra/lab/e2e-model.yaml";

    PolicyLab lab;

    Reachability all(ProbePort probe) {
        return lab.allReachable(probe);
    }

    static Predicate<LabPod> xa() {
        return pods("x/a");
    }

    @Test
    void withoutPoliciesEveryPodReachesEveryPod() throws Exception {
        lab.verify(all(TCP_80), all(UDP_81));
    }

    // ---- Default deny: a pod is isolated for a direction once a policy of that type selects it.
    @Test
    void denyAllIngressIsolatesEveryPodOfTheNamespaceOnEveryPortAndProtocol() throws Exception {
        lab.apply("x", "deny-ingress", """
                podSelector: {}
                policyTypes: [Ingress]
                """);
        lab.verify(all(TCP_80).denyInto(inNamespace("x")), all(UDP_81).denyInto(inNamespace("x")));
    }

    @Test
    void denyAllEgressIsolatesEveryPodOfTheNamespaceOnEveryPortAndProtocol() throws Exception {
        lab.apply("x", "deny-egress", """
                podSelector: {}
                policyTypes: [Egress]
                """);
        lab.verify(all(TCP_81).denyFrom(inNamespace("x")), all(UDP_80).denyFrom(inNamespace("x")));
    }

    @Test
    void denyAllInBothDirections() throws Exception {
        lab.apply("y", "deny-all", """
                podSelector: {}
                policyTypes: [Ingress, Egress]
                """);
        lab.verify(all(TCP_80).denyInto(inNamespace("y")).denyFrom(inNamespace("y")));
    }

    @Test
    void denyAllIngressInEveryNamespaceLeavesOnlyLoopback() throws Exception {
        String denyIngress = """
                podSelector: {}
                policyTypes: [Ingress]
                """;
        lab.apply(policy("x", "deny-ingress", denyIngress), policy("y", "deny-ingress", denyIngress),
                policy("z", "deny-ingress", denyIngress));
        lab.verify(all(TCP_80).denyInto(any()), all(UDP_80).denyInto(any()));
    }

    @Test
    void aPolicyIsolatesOnlyThePodsOfItsOwnNamespace() throws Exception {
        lab.apply("y", "deny-a", """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Ingress]
                """);
        lab.verify(all(TCP_80).denyInto(pods("y/a")));
    }

    @Test
    void aPodSelectorThatMatchesNoPodIsolatesNothing() throws Exception {
        lab.apply("x", "deny-nobody", """
                podSelector: {matchLabels: {pod: nobody}}
                policyTypes: [Ingress, Egress]
                """);
        lab.verify(all(TCP_80));
    }

    // ---- Allow all: an empty rule matches every peer, port and protocol.
    @Test
    void allowAllIngressUnitesWithDenyAllIngress() throws Exception {
        lab.apply(
                policy("x", "deny-ingress", """
                    podSelector: {}
                    policyTypes: [Ingress]
                    """),
                policy("x", "allow-ingress", """
                    podSelector: {}
                    ingress: [{}]
                    """));
        lab.verify(all(TCP_80), all(UDP_81));
    }

    @Test
    void allowAllEgressUnitesWithDenyAllEgress() throws Exception {
        lab.apply(
                policy("x", "deny-egress", """
                    podSelector: {}
                    policyTypes: [Egress]
                    """),
                policy("x", "allow-egress", """
                    podSelector: {}
                    policyTypes: [Egress]
                    egress: [{}]
                    """));
        lab.verify(all(TCP_81), all(UDP_80));
    }

    // ---- Peers: podSelector, namespaceSelector, both in one peer or as two.
    @Test
    void aPodSelectorPeerSelectsPodsOfThePolicysNamespaceOnly() throws Exception {
        lab.apply("x", "from-b", """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - from: [{podSelector: {matchLabels: {pod: b}}}]
                """);
        lab.verify(all(TCP_80).denyInto(xa()).allow(pods("x/b"), xa()));
    }

    @Test
    void aNamespaceSelectorPeerSelectsEveryPodOfTheMatchingNamespaces() throws Exception {
        lab.apply("x", "from-y", """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}]
                """);
        lab.verify(all(TCP_80).denyInto(xa()).allow(inNamespace("y"), xa()));
    }

    @Test
    void podAndNamespaceSelectorInOnePeerMustBothMatch() throws Exception {
        lab.apply("x", "from-y-b", """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - from:
                      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}
                        podSelector: {matchLabels: {pod: b}}
                """);
        lab.verify(all(TCP_80).denyInto(xa()).allow(pods("y/b"), xa()));
    }

    @Test
    void podAndNamespaceSelectorAsTwoPeersAreEachEnough() throws Exception {
        lab.apply("x", "from-y-or-b", """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - from:
                      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}
                      - podSelector: {matchLabels: {pod: b}}
                """);
        lab.verify(all(TCP_80).denyInto(xa()).allow(inNamespace("y").or(pods("x/b")), xa()));
    }

    @Test
    void anEmptyNamespaceSelectorSelectsEveryNamespaceAndAnEmptyPodSelectorOnlyItsOwn() throws Exception {
        lab.apply(
                policy("x", "a-from-everywhere", """
                    podSelector: {matchLabels: {pod: a}}
                    ingress:
                      - from: [{namespaceSelector: {}}]
                    """),
                policy("x", "b-from-own-namespace", """
                    podSelector: {matchLabels: {pod: b}}
                    ingress:
                      - from: [{podSelector: {}}]
                    """));
        lab.verify(all(TCP_80).denyInto(pods("x/b")).allow(inNamespace("x"), pods("x/b")));
    }

    @Test
    void anEmptyNamespaceSelectorWithAPodSelectorSelectsThosePodsInEveryNamespace() throws Exception {
        lab.apply("x", "from-every-b", """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - from: [{namespaceSelector: {}, podSelector: {matchLabels: {pod: b}}}]
                """);
        lab.verify(all(TCP_80).denyInto(xa()).allow(named("b"), xa()));
    }

    @Test
    void anEmptyFromListAllowsEveryone() throws Exception {
        lab.apply("x", "ports-only", """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - ports: [{port: 80}]
                """);
        lab.verify(all(TCP_80), all(TCP_81).denyInto(xa()));
    }

    @Test
    void egressToAPodSelectorPeerLeavesIngressOpen() throws Exception {
        lab.apply("x", "to-b", """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Egress]
                egress:
                  - to: [{podSelector: {matchLabels: {pod: b}}}]
                """);
        lab.verify(all(TCP_80).denyFrom(xa()).allow(xa(), pods("x/b")));
    }

    @Test
    void egressToANamespaceSelectorPeer() throws Exception {
        lab.apply("x", "to-z", """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Egress]
                egress:
                  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: z}}}]
                """);
        lab.verify(all(UDP_81).denyFrom(xa()).allow(xa(), inNamespace("z")));
    }

    // ---- matchExpressions: In, NotIn, Exists, DoesNotExist, on targets and peers.
    @Test
    void namespaceSelectorIn() throws Exception {
        lab.apply("x", "from-y-and-z", """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - from:
                      - namespaceSelector:
                          matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [y, z]}]
                """);
        lab.verify(all(TCP_80).denyInto(xa()).allow(inNamespace("y").or(inNamespace("z")), xa()));
    }

    @Test
    void namespaceSelectorNotIn() throws Exception {
        lab.apply("x", "not-from-y", """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - from:
                      - namespaceSelector:
                          matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [y]}]
                """);
        lab.verify(all(TCP_80).deny(inNamespace("y"), xa()));
    }

    @Test
    void podSelectorInAndNotInAsTheTargetAndThePeer() throws Exception {
        lab.apply("x", "b-and-c-from-a", """
                podSelector:
                  matchExpressions: [{key: pod, operator: NotIn, values: [a]}]
                ingress:
                  - from:
                      - podSelector:
                          matchExpressions: [{key: pod, operator: In, values: [a, nobody]}]
                """);
        lab.verify(all(TCP_80).denyInto(pods("x/b", "x/c")).allow(pods("x/a"), pods("x/b", "x/c")));
    }

    @Test
    void existsAndDoesNotExistAsTheTarget() throws Exception {
        lab.apply(
                policy("x", "every-pod-with-a-pod-label", """
                    podSelector:
                      matchExpressions: [{key: pod, operator: Exists}]
                    policyTypes: [Ingress]
                    """),
                policy("y", "no-pod-without-a-pod-label", """
                    podSelector:
                      matchExpressions: [{key: pod, operator: DoesNotExist}]
                    policyTypes: [Ingress]
                    """));
        lab.verify(all(TCP_80).denyInto(inNamespace("x")));
    }

    @Test
    void existsAndDoesNotExistAsThePeer() throws Exception {
        lab.labelPod("x/b", "role=client");
        lab.labelPod("y/c", "role=client");
        lab.apply(
                policy("x", "a-from-clients", """
                    podSelector: {matchLabels: {pod: a}}
                    ingress:
                      - from:
                          - namespaceSelector: {}
                            podSelector:
                              matchExpressions: [{key: role, operator: Exists}]
                    """),
                policy("x", "c-from-non-clients", """
                    podSelector: {matchLabels: {pod: c}}
                    ingress:
                      - from:
                          - namespaceSelector: {}
                            podSelector:
                              matchExpressions: [{key: role, operator: DoesNotExist}]
                    """));
        lab.verify(all(TCP_80)
                .denyInto(xa()).allow(pods("x/b", "y/c"), xa())
                .deny(pods("x/b", "y/c"), pods("x/c")));
    }

    @Test
    void namespaceSelectorExistsAndDoesNotExist() throws Exception {
        lab.labelNamespace("z", "env=prod");
        lab.apply(
                policy("x", "a-from-labelled-namespaces", """
                    podSelector: {matchLabels: {pod: a}}
                    ingress:
                      - from: [{namespaceSelector: {matchExpressions: [{key: env, operator: Exists}]}}]
                    """),
                policy("x", "b-from-unlabelled-namespaces", """
                    podSelector: {matchLabels: {pod: b}}
                    ingress:
                      - from: [{namespaceSelector: {matchExpressions: [{key: env, operator: DoesNotExist}]}}]
                    """));
        lab.verify(all(TCP_80).denyInto(xa()).allow(inNamespace("z"), xa()).deny(inNamespace("z"), pods("x/b")));
    }

    // ---- ipBlock, on pod addresses, with except.
    @Test
    void ingressFromAPodAddress() throws Exception {
        lab.apply("x", "from-y-b-address", """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - from: [{ipBlock: {cidr: %s/32}}]
                """.formatted(lab.pod("y/b").ip()));
        lab.verify(all(TCP_80).denyInto(xa()).allow(pods("y/b"), xa()));
    }

    @Test
    void ingressFromTheWholePodNetworkExceptOnePod() throws Exception {
        lab.apply("x", "from-pods-except-y-b", """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - from: [{ipBlock: {cidr: 10.244.0.0/16, except: [%s/32]}}]
                """.formatted(lab.pod("y/b").ip()));
        lab.verify(all(TCP_80).deny(pods("y/b"), xa()));
    }

    @Test
    void egressToAPodAddress() throws Exception {
        lab.apply("x", "to-z-c-address", """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Egress]
                egress:
                  - to: [{ipBlock: {cidr: %s/32}}]
                """.formatted(lab.pod("z/c").ip()));
        lab.verify(all(TCP_80).denyFrom(xa()).allow(xa(), pods("z/c")));
    }

    @Test
    void egressToTheWholePodNetworkExceptOnePod() throws Exception {
        lab.apply("x", "to-pods-except-y-a", """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Egress]
                egress:
                  - to: [{ipBlock: {cidr: 10.244.0.0/16, except: [%s/32]}}]
                """.formatted(lab.pod("y/a").ip()));
        lab.verify(all(UDP_80).deny(xa(), pods("y/a")));
    }

    // ---- Ports: numbers, names resolved on the destination pod, endPort ranges, protocols.
    @Test
    void aPortNumberWithoutProtocolMeansTcpOnThatPortOnly() throws Exception {
        lab.apply("x", "port-80", """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - from: [{namespaceSelector: {}}]
                    ports: [{port: 80}]
                """);
        lab.verify(all(TCP_80), all(TCP_81).denyInto(xa()), all(UDP_80).denyInto(xa()));
    }

    @Test
    void aUdpPortDoesNotAllowTcp() throws Exception {
        lab.apply("x", "udp-80-from-y", """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}]
                    ports: [{protocol: UDP, port: 80}]
                """);
        lab.verify(all(UDP_80).denyInto(xa()).allow(inNamespace("y"), xa()), all(TCP_80).denyInto(xa()),
                all(UDP_81).denyInto(xa()));
    }

    @Test
    void aProtocolWithoutPortAllowsEveryPortOfThatProtocol() throws Exception {
        lab.apply("x", "any-udp", """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - ports: [{protocol: UDP}]
                """);
        lab.verify(all(UDP_80), all(UDP_81), all(TCP_80).denyInto(xa()));
    }

    @Test
    void severalPortsInOneRule() throws Exception {
        lab.apply("x", "tcp-80-and-udp-81", """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - ports: [{protocol: TCP, port: 80}, {protocol: UDP, port: 81}]
                """);
        lab.verify(all(TCP_80), all(UDP_81), all(TCP_81).denyInto(xa()), all(UDP_80).denyInto(xa()));
    }

    @Test
    void aNamedPortIsResolvedOnTheDestinationPod() throws Exception {
        lab.apply("x", "named-81", """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - ports: [{port: serve-81-tcp}]
                """);
        lab.verify(all(TCP_81), all(TCP_80).denyInto(xa()), all(UDP_81).denyInto(xa()));
    }

    @Test
    void aNamedUdpPort() throws Exception {
        lab.apply("x", "named-udp-80", """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - ports: [{protocol: UDP, port: serve-80-udp}]
                """);
        lab.verify(all(UDP_80), all(UDP_81).denyInto(xa()), all(TCP_80).denyInto(xa()));
    }

    @Test
    void aNamedPortInAnEgressRuleIsResolvedOnEachDestination() throws Exception {
        lab.apply("x", "egress-named-80", """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Egress]
                egress:
                  - ports: [{port: serve-80-tcp}]
                """);
        lab.verify(all(TCP_80), all(TCP_81).denyFrom(xa()));
    }

    @Test
    void aNamedPortThatTheProtocolDoesNotMatchAllowsNothing() throws Exception {
        lab.apply("x", "named-tcp-as-udp", """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - ports: [{protocol: UDP, port: serve-80-tcp}]
                """);
        lab.verify(all(UDP_80).denyInto(xa()), all(TCP_80).denyInto(xa()));
    }

    @Test
    void endPortAllowsARangeOfPorts() throws Exception {
        lab.apply(
                policy("x", "a-81-to-90", """
                    podSelector: {matchLabels: {pod: a}}
                    ingress:
                      - ports: [{port: 81, endPort: 90}]
                    """),
                policy("x", "b-70-to-80", """
                    podSelector: {matchLabels: {pod: b}}
                    ingress:
                      - ports: [{port: 70, endPort: 80}]
                    """));
        lab.verify(all(TCP_80).denyInto(xa()), all(TCP_81).denyInto(pods("x/b")));
    }

    @Test
    void endPortInAnEgressRule() throws Exception {
        lab.apply("x", "egress-udp-79-to-80", """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Egress]
                egress:
                  - ports: [{protocol: UDP, port: 79, endPort: 80}]
                """);
        lab.verify(all(UDP_80), all(UDP_81).denyFrom(xa()), all(TCP_80).denyFrom(xa()));
    }

    @Test
    void peersAndPortsOfOneRuleMustBothMatch() throws Exception {
        lab.apply("x", "y-a-and-b-on-81", """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - from:
                      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}
                        podSelector: {matchExpressions: [{key: pod, operator: In, values: [a, b]}]}
                    ports: [{port: 81}]
                """);
        lab.verify(all(TCP_81).denyInto(xa()).allow(pods("y/a", "y/b"), xa()), all(TCP_80).denyInto(xa()));
    }

    // ---- policyTypes: which directions a policy isolates.
    @Test
    void egressRulesWithoutPolicyTypesIsolateIngressToo() throws Exception {
        lab.apply("x", "egress-anywhere", """
                podSelector: {matchLabels: {pod: a}}
                egress: [{}]
                """);
        lab.verify(all(TCP_80).denyInto(xa()));
    }

    @Test
    void ingressRulesAreIgnoredWhenPolicyTypesIsEgressOnly() throws Exception {
        lab.apply("x", "egress-only-with-ingress-rules", """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Egress]
                ingress:
                  - from: [{podSelector: {matchLabels: {pod: b}}}]
                egress: []
                """);
        lab.verify(all(TCP_80).denyFrom(xa()));
    }

    @Test
    void ingressAndEgressTogether() throws Exception {
        lab.apply("x", "both", """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Ingress, Egress]
                ingress:
                  - from: [{podSelector: {matchLabels: {pod: b}}}]
                egress:
                  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}]
                """);
        lab.verify(all(TCP_80)
                .denyInto(xa()).allow(pods("x/b"), xa())
                .denyFrom(xa()).allow(xa(), inNamespace("y")));
    }

    // ---- Several policies: their union on one pod, both ends of a connection, replies.
    @Test
    void severalPoliciesSelectingOnePodAllowTheUnionOfTheirRules() throws Exception {
        lab.apply(
                policy("x", "from-b", """
                    podSelector: {matchLabels: {pod: a}}
                    ingress:
                      - from: [{podSelector: {matchLabels: {pod: b}}}]
                    """),
                policy("x", "from-z", """
                    podSelector: {matchLabels: {pod: a}}
                    ingress:
                      - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: z}}}]
                    """));
        lab.verify(all(TCP_80).denyInto(xa()).allow(pods("x/b").or(inNamespace("z")), xa()));
    }

    @Test
    void egressAllowedButTheDestinationsIngressIsolated() throws Exception {
        lab.apply(
                policy("x", "a-to-anywhere", """
                    podSelector: {matchLabels: {pod: a}}
                    policyTypes: [Egress]
                    egress: [{}]
                    """),
                policy("y", "b-from-nobody", """
                    podSelector: {matchLabels: {pod: b}}
                    policyTypes: [Ingress]
                    """));
        lab.verify(all(TCP_80).denyInto(pods("y/b")));
    }

    @Test
    void ingressAllowedButTheSourcesEgressIsolated() throws Exception {
        lab.apply(
                policy("y", "b-from-x-a", """
                    podSelector: {matchLabels: {pod: b}}
                    ingress:
                      - from:
                          - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: x}}
                            podSelector: {matchLabels: {pod: a}}
                    """),
                policy("x", "a-to-z", """
                    podSelector: {matchLabels: {pod: a}}
                    policyTypes: [Egress]
                    egress:
                      - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: z}}}]
                    """));
        // y/b admits only x/a, and x/a may only talk to z: nobody reaches y/b.
        lab.verify(all(TCP_80).denyInto(pods("y/b")).denyFrom(xa()).allow(xa(), inNamespace("z")));
    }

    @Test
    void repliesOfAllowedConnectionsPassIsolatedDirections() throws Exception {
        // x isolates ingress, y/a isolates egress: connections they open still get their replies, which
        // travel in the isolated direction. TCP needs the reply for the handshake, UDP for the echo.
        lab.apply(
                policy("x", "deny-ingress", """
                    podSelector: {}
                    policyTypes: [Ingress]
                    """),
                policy("y", "a-deny-egress", """
                    podSelector: {matchLabels: {pod: a}}
                    policyTypes: [Egress]
                    """));
        lab.verify(all(TCP_80).denyInto(inNamespace("x")).denyFrom(pods("y/a")),
                all(UDP_81).denyInto(inNamespace("x")).denyFrom(pods("y/a")));
    }

    // ---- Label changes on pods and namespaces take effect like policy changes.
    @Test
    void aPodLabelChangeMakesThePodAPeerAndRemovingItTakesThatBack() throws Exception {
        lab.apply("x", "a-from-clients", """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - from: [{namespaceSelector: {}, podSelector: {matchLabels: {role: client}}}]
                """);
        lab.verify(all(TCP_80).denyInto(xa()));
        lab.labelPod("y/c", "role=client");
        lab.verify(all(TCP_80).denyInto(xa()).allow(pods("y/c"), xa()));
        lab.labelPod("y/c", "role-");
        lab.verify(all(TCP_80).denyInto(xa()));
    }

    @Test
    void aPodLabelChangeMakesThePodATargetAndRemovingItTakesThatBack() throws Exception {
        lab.apply("x", "isolate-servers", """
                podSelector: {matchLabels: {role: server}}
                policyTypes: [Ingress]
                """);
        lab.verify(all(TCP_80));
        lab.labelPod("x/b", "role=server");
        lab.verify(all(TCP_80).denyInto(pods("x/b")));
        lab.labelPod("x/b", "role-");
        lab.verify(all(TCP_80));
    }

    @Test
    void changingTheLabelThePolicySelectsOn() throws Exception {
        lab.apply("x", "a-from-b", """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - from: [{podSelector: {matchLabels: {pod: b}}}]
                """);
        lab.labelPod("x/c", "pod=b");
        lab.labelPod("x/b", "pod=x");
        lab.verify(all(TCP_80).denyInto(xa()).allow(pods("x/c"), xa()));
    }

    @Test
    void aNamespaceLabelChangeMakesItsPodsPeersAndRemovingItTakesThatBack() throws Exception {
        lab.apply("x", "a-from-blue", """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - from: [{namespaceSelector: {matchLabels: {team: blue}}}]
                """);
        lab.verify(all(TCP_80).denyInto(xa()));
        lab.labelNamespace("z", "team=blue");
        lab.verify(all(TCP_80).denyInto(xa()).allow(inNamespace("z"), xa()));
        lab.labelNamespace("z", "team-");
        lab.verify(all(TCP_80).denyInto(xa()));
    }

    @Test
    void aNamespaceLabelChangeReachesEgressPeers() throws Exception {
        lab.apply("x", "a-to-blue", """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Egress]
                egress:
                  - to: [{namespaceSelector: {matchLabels: {team: blue}}}]
                """);
        lab.labelNamespace("y", "team=blue");
        lab.verify(all(UDP_80).denyFrom(xa()).allow(xa(), inNamespace("y")));
    }

    // ---- Updating and deleting policies.
    @Test
    void updatingAPolicyReplacesItsRules() throws Exception {
        String fromNamespace = """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: %s}}}]
                """;
        lab.apply("x", "a-from", fromNamespace.formatted("y"));
        lab.verify(all(TCP_80).denyInto(xa()).allow(inNamespace("y"), xa()));
        lab.apply("x", "a-from", fromNamespace.formatted("z"));
        lab.verify(all(TCP_80).denyInto(xa()).allow(inNamespace("z"), xa()));
    }

    @Test
    void deletingPoliciesTakesTheirRulesAway() throws Exception {
        lab.apply(
                policy("x", "deny-ingress", """
                    podSelector: {}
                    policyTypes: [Ingress]
                    """),
                policy("x", "a-from-b", """
                    podSelector: {matchLabels: {pod: a}}
                    ingress:
                      - from: [{podSelector: {matchLabels: {pod: b}}}]
                    """));
        lab.verify(all(TCP_80).denyInto(inNamespace("x")).allow(pods("x/b"), xa()));
        lab.delete("x/a-from-b");
        lab.verify(all(TCP_80).denyInto(inNamespace("x")));
        lab.delete("x/deny-ingress");
        lab.verify(all(TCP_80));
    }
}
