package io.septum.model.flows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The filter engine: OR within a filter, AND across filters, negated filters excluding together, time bounds. */
class FlowFilterTest {

    private static final FlowQueryParser PARSER = new FlowQueryParser("", Set.of(), Instant.parse("2026-11-26T12:00:00Z"));
    private static final long AT = Instant.parse("2026-11-26T11:58:00Z").getEpochSecond() * 1_000_000_000L;

    // other (x, app=other, 10.0.1.5, id 300) -> backend (x, app=backend tier=db, 10.0.1.6, id 301):80, dropped on node-0
    private static final Flow DROP = new Flow("2026-11-26T11:58:00Z", "node-0", "DROPPED", "POLICY_DENIED", "INGRESS", "TCP",
            new Flow.FlowEndpoint("10.0.1.5", 300, "x", "other", "node-0", List.of("k8s:app=other", "k8s:io.kubernetes.pod.namespace=x"), "x/other"),
            new Flow.FlowEndpoint("10.0.1.6", 301, "x", "backend", "node-0", List.of("k8s:app=backend", "k8s:tier=db"), "x/backend"),
            40000, 80, List.of("SYN"), false, 74, List.of("NetworkPolicy x/backend-access"), "", "");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            pod=x/backend                          | true
            pod=x/                                 | true
            pod=y/                                 | false
            from-pod=x/backend                     | false
            to-pod=x/backend                       | true
            from-pod=x/other to-pod=x/backend      | true
            from-pod=x/backend to-pod=x/other      | false
            to-pod=x/nope to-pod=x/backend         | true
            label=app=backend                      | true
            from-label=app=backend                 | false
            to-label=app=backend,tier=db           | true
            to-label=app=backend,tier=web          | false
            to-label=k8s:tier                      | true
            label=reserved:tier                    | false
            ip=10.0.1.0/24                         | true
            from-ip=10.0.1.6                       | false
            to-ip=10.0.1.6 to-ip=10.9.9.9          | true
            identity=300                           | true
            to-identity=300                        | false
            port=80                                | true
            from-port=80                           | false
            port=40000 protocol=UDP                | false
            protocol=UDP protocol=TCP              | true
            verdict=FORWARDED                      | false
            verdict=FORWARDED verdict=DROPPED      | true
            drop-reason=POLICY_DENIED              | true
            drop-reason=POLICY_DENY_RULE           | false
            node=node-1                            | false
            not.verdict=DROPPED                    | false
            not.verdict=FORWARDED                  | true
            not.verdict=DROPPED not.port=443       | true
            not.verdict=DROPPED not.port=80        | false
            pod=x/backend not.from-pod=x/other     | false
            since=3m                               | true
            since=1m                               | false
            until=1m                               | true
            until=3m                               | false
            since=3m until=2m port=80 verdict=DROPPED | true
            """)
    void matches(String params, boolean expected) throws FlowQueryException {
        FlowQuery query = PARSER.parse(FlowQueryParserTest.params(params), false);

        assertThat(query.matches(AT, DROP)).isEqualTo(expected);
    }
}
