package io.septum.model.flows;

import io.septum.model.flows.FlowQueryParser.Param;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Flag conflicts and value checks, as the CLI (prefix "--") and the REST API (no prefix) report them. */
class FlowQueryParserTest {

    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private static final FlowQueryParser CLI = new FlowQueryParser("--", Set.of("NONE", "POLICY_DENIED", "POLICY_DENY_RULE"), NOW);
    private static final FlowQueryParser REST = new FlowQueryParser("", Set.of(), NOW);

    /** name=value pairs separated by blanks; the expected message, or OK. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            from-pod=x/a pod=x/b                   | --from-pod: conflicts with --pod: --pod already matches either side; use --from-pod and --to-pod, or --pod alone
            to-label=app=a label=app=b              | --to-label: conflicts with --label: --label already matches either side; use --to-label and --from-label, or --label alone
            from-ip=10.0.0.1 ip=10.0.0.2            | --from-ip: conflicts with --ip: --ip already matches either side; use --from-ip and --to-ip, or --ip alone
            to-port=80 port=81                      | --to-port: conflicts with --port: --port already matches either side; use --to-port and --from-port, or --port alone
            from-identity=300 identity=301          | --from-identity: conflicts with --identity: --identity already matches either side; use --from-identity and --to-identity, or --identity alone
            not.from-pod=x/a not.pod=x/b            | --not --from-pod: conflicts with --not --pod: --not --pod already matches either side; use --not --from-pod and --not --to-pod, or --not --pod alone
            verdict=DROPPED not.verdict=dropped     | --not --verdict: conflicts with --verdict: both name 'DROPPED', so no flow can match
            verdict=FORWARDED drop-reason=POLICY_DENIED | --drop-reason: conflicts with --verdict FORWARDED: forwarded flows have no drop reason
            since=1m until=5m                       | --since: conflicts with --until: 2026-11-26T11:59:00Z is after 2026-11-26T11:55:00Z
            verdict=maybe                           | --verdict: 'maybe' is not one of [AUDIT, DROPPED, FORWARDED]
            drop-reason=bogus                       | --drop-reason: 'BOGUS' is not one of [NONE, POLICY_DENIED, POLICY_DENY_RULE]
            port=70000                              | --port: '70000' is not a port (0-65535)
            ip=10.0.0.256                           | --ip: '10.0.0.256' is not an IPv4 address or CIDR: invalid IPv4 address '10.0.0.256'
            pod=X/Y                                 | --pod: 'X/Y' is not [namespace/]pod or namespace/
            last=0                                  | --last: '0' is not a positive number
            since=yesterday                         | --since: 'yesterday' is neither an RFC 3339 time (2026-01-02T15:04:05Z) nor a duration ago (30s, 5m, 2h, 1d)
            colour=red                              | --colour: unknown filter (known: from-pod, to-pod, pod, from-label, to-label, label, from-ip, to-ip, ip, from-identity, to-identity, identity, from-port, to-port, port, protocol, verdict, drop-reason, node, since, until, last, not.<filter>)
            from-pod=x/a to-pod=y/ not.pod=x/b      | OK
            verdict=FORWARDED verdict=DROPPED drop-reason=policy-denied | OK
            not.verdict=DROPPED verdict=FORWARDED   | OK
            since=5m until=1m                       | OK
            """)
    void conflictsAndBadValuesAreNamedPrecisely(String params, String expected) {
        List<Param> list = params(params);
        if (expected.equals("OK")) {
            try {
                CLI.parse(list, false);
            } catch (FlowQueryException e) {
                throw new AssertionError("expected " + params + " to parse: " + e.getMessage(), e);
            }
        } else {
            assertThatThrownBy(() -> CLI.parse(list, false)).isInstanceOf(FlowQueryException.class).hasMessage(expected);
        }
    }

    @Test
    void restNamesAreQueryParameterNames() {
        assertThatThrownBy(() -> REST.parse(params("not.to-ip=10.0.0.0/8 not.ip=10.1.0.0/16"), false))
                .hasMessage("not.to-ip: conflicts with not.ip: not.ip already matches either side; use not.to-ip and not.from-ip, or not.ip alone");
        assertThatThrownBy(() -> REST.parse(params("until=1m"), true))
                .hasMessage("until: conflicts with following: new flows are always after it");
    }

    @Test
    void valuesAreNormalized() throws FlowQueryException {
        FlowQuery q = REST.parse(params("pod=a pod=x/ protocol=tcp ip=10.1.2.3/16 ip=10.0.0.7 verdict=dropped drop-reason=policy-denied last=5 since=2026-11-26T10:00:00Z"), false);

        assertThat(q.include().get(FlowQueryParser.Name.POD)).containsExactly("default/a", "x/");
        assertThat(q.include().get(FlowQueryParser.Name.PROTOCOL)).containsExactly("TCP");
        assertThat(q.include().get(FlowQueryParser.Name.IP)).containsExactly("10.1.0.0/16", "10.0.0.7");
        assertThat(q.include().get(FlowQueryParser.Name.VERDICT)).containsExactly("DROPPED");
        assertThat(q.include().get(FlowQueryParser.Name.DROP_REASON)).containsExactly("POLICY_DENIED");
        assertThat(q.last()).isEqualTo(5);
        assertThat(q.since()).contains(Instant.parse("2026-11-26T10:00:00Z"));
    }

    static List<Param> params(String text) {
        List<Param> list = new ArrayList<>();
        for (String pair : text.trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            list.add(new Param(pair.substring(0, eq), pair.substring(eq + 1)));
        }
        return list;
    }
}
