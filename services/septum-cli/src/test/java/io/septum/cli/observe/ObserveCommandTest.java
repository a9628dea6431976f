package io.septum.cli.observe;

import io.septum.model.flows.FlowQueryParser.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The flags of {@code septum observe}: conflicts named precisely, --not applying to the next filter only. */
class ObserveCommandTest {

    private static ObserveCommand parse(String args) {
        ObserveCommand command = new ObserveCommand("http://127.0.0.1:1");
        CommandLine cli = new CommandLine(command);
        ObserveCommand.configure(cli);
        cli.parseArgs(args.isBlank() ? new String[0] : args.trim().split("\\s+"));
        return command;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            --from-pod x/a --pod x/b                   | --from-pod: conflicts with --pod: --pod already matches either side; use --from-pod and --to-pod, or --pod alone
            --to-pod x/a --pod x/b                     | --to-pod: conflicts with --pod: --pod already matches either side; use --to-pod and --from-pod, or --pod alone
            --label app=a --from-label app=b           | --from-label: conflicts with --label: --label already matches either side; use --from-label and --to-label, or --label alone
            --ip 10.0.0.1 --to-ip 10.0.0.2             | --to-ip: conflicts with --ip: --ip already matches either side; use --to-ip and --from-ip, or --ip alone
            --port 80 --from-port 80                   | --from-port: conflicts with --port: --port already matches either side; use --from-port and --to-port, or --port alone
            --identity 5 --to-identity 6               | --to-identity: conflicts with --identity: --identity already matches either side; use --to-identity and --from-identity, or --identity alone
            --not --from-pod x/a --not --pod x/b       | --not --from-pod: conflicts with --not --pod: --not --pod already matches either side; use --not --from-pod and --not --to-pod, or --not --pod alone
            --verdict DROPPED --not --verdict DROPPED  | --not --verdict: conflicts with --verdict: both name 'DROPPED', so no flow can match
            --verdict FORWARDED --drop-reason POLICY_DENIED | --drop-reason: conflicts with --verdict FORWARDED: forwarded flows have no drop reason
            --since 1m --until 10m                     | --since: conflicts with --until: #
            --follow --until 1m                        | --until: conflicts with following: new flows are always after it
            --verdict LOST                             | --verdict: 'LOST' is not one of [AUDIT, DROPPED, FORWARDED]
            --protocol GRE                             | --protocol: 'GRE' is not one of [ICMP, SCTP, TCP, UDP]
            --last -3                                  | --last: '-3' is not a positive number
            --not --since 5m                           | --not --since: only filters can be negated, not --since
            --pod x/a --not                            | --not at the end: it negates the filter after it
            --not --not --pod x/a                      | --not --not: --not negates the filter after it, once
            """)
    void conflictingFlagsAreRejectedNamingThem(String args, String expected) {
        assertThatThrownBy(() -> parse(args).validatedParams())
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageStartingWith(expected.replace("#", ""));
    }

    @Test
    void notNegatesOnlyTheNextFilterAndRepeatedFiltersAccumulate() {
        ObserveCommand command = parse("--pod x/a --not --verdict FORWARDED --pod x/b --port 80 --not --port 22 --last 5");

        assertThat(command.validatedParams()).containsExactly(new Param("pod", "x/a"), new Param("not.verdict", "FORWARDED"),
                new Param("pod", "x/b"), new Param("port", "80"), new Param("not.port", "22"), new Param("last", "5"));
    }

    @Test
    void withoutBoundsTheLastTwentyAreAsked() {
        assertThat(parse("--to-pod x/a").validatedParams()).containsExactly(new Param("to-pod", "x/a"), new Param("last", "20"));
        assertThat(parse("--follow").validatedParams()).isEmpty();
        assertThat(parse("--since 5m").validatedParams()).containsExactly(new Param("since", "5m"));
    }

    @Test
    void theQueryEncodesNegationsAndValues() {
        assertThat(ObserveCommand.query(List.of(new Param("not.label", "app=a,tier"), new Param("since", "2026-11-26T10:00:00Z"))))
                .isEqualTo("?not.label=app%3Da%2Ctier&since=2026-11-26T10%3A00%3A00Z");
    }
}
