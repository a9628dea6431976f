package io.septum.it.restart;

import io.septum.it.Lab;
import io.septum.it.LabPod;
import io.septum.it.PolicyLab;
import io.septum.it.ProbePort;
import io.septum.it.SeptumCommand;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.septum.it.LabPod.pods;
import static io.septum.it.PolicyLab.policy;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Enforcement survives the enforcer. On a two-node lab (x/a, x/c, z/a and z/c on node-0; x/b and y/a on
 * node-1), x/b admits x/a, and on UDP the ipBlocks z/a/32 (port 80) and the pod network except y/a (port 81);
 * x/a may only reach x/b. While traffic runs — a long TCP connection x/a -> x/b carrying data continuously, and
 * loops of new connections that must get through (x/a -> x/b over TCP and UDP; z/a and z/c -> x/b through the
 * ipBlocks) or must not (x/c -> x/b and y/a -> x/b, stopped by x/b's ingress on node-1, y/a also by the
 * ipBlock's except; x/a -> x/c, stopped by x/a's egress on node-0) — both enforcers are killed with SIGKILL,
 * stay down while a policy changes, are started again, and one is restarted gracefully. No probe may
 * contradict the policy in any phase (so there is no window of allow-all or deny-all: the maps stay pinned and
 * the new process changes only what differs), the long connection must never break, and both the change made
 * while they were down and one made afterwards must be enforced. Needs root.
 */
@Tag("privileged")
@Lab(file = "infra/lab/e2e-model.yaml", nodes = 2)
class EnforcerRestartPrivilegedTest {

    private static final int ECHO_PORT = 7070;
    /** Allowed probes send one UDP datagram or one SYN: a drop fails them within this time. */
    private static final int ALLOWED_PROBE_TIMEOUT_MS = 1000;
    private static final int DENIED_PROBE_TIMEOUT_MS = 300;

    private static PolicyLab lab;

    @Test
    void killedAndRestartedEnforcersLeaveEnforcementUnchangedAndThenEnforceNewPolicy() throws Exception {
        LabPod xa = lab.pod("x/a");
        LabPod xb = lab.pod("x/b");
        LabPod xc = lab.pod("x/c");
        LabPod ya = lab.pod("y/a");
        LabPod za = lab.pod("z/a");
        LabPod zc = lab.pod("z/c");
        assertThat(List.of(xa.node(), xb.node(), xc.node(), ya.node(), za.node(), zc.node())).as("placement the test relies on")
                .containsExactly("node-0", "node-1", "node-0", "node-1", "node-0", "node-0");
        lab.apply(
                policy("x", "b-from-a", """
                        podSelector: {matchLabels: {pod: b}}
                        ingress:
                          - from: [{podSelector: {matchLabels: {pod: a}}}]
                            ports: [{port: 80}, {port: 80, protocol: UDP}, {port: %d}]
                        """.formatted(ECHO_PORT)),
                policy("x", "a-to-b", """
                        podSelector: {matchLabels: {pod: a}}
                        policyTypes: [Egress]
                        egress:
                          - to: [{podSelector: {matchLabels: {pod: b}}}]
                        """),
                // ipBlocks live in maps of their own, which a restarted enforcer must re-adopt too.
                policy("x", "b-from-z-a-address", """
                        podSelector: {matchLabels: {pod: b}}
                        ingress:
                          - from: [{ipBlock: {cidr: %s/32}}]
                            ports: [{port: 80, protocol: UDP}]
                        """.formatted(za.ip())),
                policy("x", "b-from-pods-except-y-a", """
                        podSelector: {matchLabels: {pod: b}}
                        ingress:
                          - from: [{ipBlock: {cidr: 10.244.0.0/16, except: [%s/32]}}]
                            ports: [{port: 81, protocol: UDP}]
                        """.formatted(ya.ip())));

        Phases phases = new Phases("before");
        List<String> problems = new ArrayList<>();
        List<String> summaries = new ArrayList<>();
        try (LongConnection connection = new LongConnection(xa, xb, ECHO_PORT, phases);
             ProbeLoop tcp = new ProbeLoop(xa, xb, 80, "TCP", true, ALLOWED_PROBE_TIMEOUT_MS, phases);
             ProbeLoop udp = new ProbeLoop(xa, xb, 80, "UDP", true, ALLOWED_PROBE_TIMEOUT_MS, phases);
             ProbeLoop ingressDenied = new ProbeLoop(xc, xb, 80, "TCP", false, DENIED_PROBE_TIMEOUT_MS, phases);
             ProbeLoop ingressDeniedUdp = new ProbeLoop(ya, xb, 80, "UDP", false, DENIED_PROBE_TIMEOUT_MS, phases);
             ProbeLoop egressDenied = new ProbeLoop(xa, xc, 80, "TCP", false, DENIED_PROBE_TIMEOUT_MS, phases);
             ProbeLoop ipBlock = new ProbeLoop(za, xb, 80, "UDP", true, ALLOWED_PROBE_TIMEOUT_MS, phases);
             ProbeLoop ipBlockRange = new ProbeLoop(zc, xb, 81, "UDP", true, ALLOWED_PROBE_TIMEOUT_MS, phases);
             ProbeLoop ipBlockExcept = new ProbeLoop(ya, xb, 81, "UDP", false, DENIED_PROBE_TIMEOUT_MS, phases)) {
            Thread.sleep(1500);

            phases.enter("node-1 killed");
            SeptumCommand.ok("lab", "enforcer", "stop", "node-1", "--kill");
            phases.enter("both killed");
            SeptumCommand.ok("lab", "enforcer", "stop", "node-0", "--kill");
            // A change no enforcer is there to see: the restarted ones must catch up with it.
            lab.applyWithoutWaiting(policy("x", "b-from-z-a-on-81", """
                    podSelector: {matchLabels: {pod: b}}
                    ingress:
                      - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: z}}, podSelector: {matchLabels: {pod: a}}}]
                        ports: [{port: 81}]
                    """));
            Thread.sleep(1000);

            phases.enter("restarting after SIGKILL");
            SeptumCommand.ok("lab", "enforcer", "start", "node-0");
            SeptumCommand.ok("lab", "enforcer", "start", "node-1");
            phases.enter("restarted");
            Thread.sleep(1500);

            phases.enter("graceful restart");
            SeptumCommand.ok("lab", "enforcer", "restart", "node-1");
            phases.enter("after graceful restart");
            Thread.sleep(1500);

            for (ProbeLoop loop : List.of(tcp, udp, ingressDenied, ingressDeniedUdp, egressDenied, ipBlock, ipBlockRange, ipBlockExcept)) {
                loop.close();
                problems.addAll(loop.problems());
                summaries.add(loop.summary());
            }
            problems.addAll(connection.problems());
            summaries.add(connection.summary());
        }
        summaries.forEach(System.out::println);
        assertThat(problems).as("enforcement across enforcer restarts:\n" + String.join("\n", summaries)).isEmpty();

        // The restarted enforcers caught up with the change made while they were down, and take new ones:
        // x/b now admits x/c instead of x/a (and still z/a on TCP 81 and the ipBlocks on UDP), so x/a, whose
        // egress goes only to x/b, reaches nobody but x/b on UDP 81 (its address is in the ipBlock).
        lab.apply("x", "b-from-a", """
                podSelector: {matchLabels: {pod: b}}
                ingress:
                  - from: [{podSelector: {matchLabels: {pod: c}}}]
                """);
        lab.verify(
                lab.allReachable(ProbePort.TCP_80).denyInto(pods("x/b")).allow(pods("x/c"), pods("x/b")).denyFrom(pods("x/a")),
                lab.allReachable(ProbePort.TCP_81).denyInto(pods("x/b")).allow(pods("x/c", "z/a"), pods("x/b")).denyFrom(pods("x/a")),
                lab.allReachable(ProbePort.UDP_80).denyInto(pods("x/b")).allow(pods("x/c", "z/a"), pods("x/b")).denyFrom(pods("x/a")),
                lab.allReachable(ProbePort.UDP_81).deny(pods("y/a"), pods("x/b")).denyFrom(pods("x/a")).allow(pods("x/a"), pods("x/b")));
    }
}
