package io.septum.model.labels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointSelectorTest {

    private static final Labels WEB = Labels.parse(List.of("k8s:app=web", "k8s:tier=front"));

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("empty selector selects everything", EndpointSelector.ALL, true),
                Arguments.of("In with the value", EndpointSelector.of(req("k8s:app", SelectorOperator.In, "web", "api")), true),
                Arguments.of("In without the value", EndpointSelector.of(req("k8s:app", SelectorOperator.In, "db")), false),
                Arguments.of("In on an absent key", EndpointSelector.of(req("k8s:zone", SelectorOperator.In, "a")), false),
                Arguments.of("NotIn with another value", EndpointSelector.of(req("k8s:app", SelectorOperator.NotIn, "db")), true),
                Arguments.of("NotIn with the value", EndpointSelector.of(req("k8s:app", SelectorOperator.NotIn, "web")), false),
                Arguments.of("NotIn on an absent key matches", EndpointSelector.of(req("k8s:zone", SelectorOperator.NotIn, "a")), true),
                Arguments.of("Exists", EndpointSelector.of(SelectorRequirement.exists("k8s:tier")), true),
                Arguments.of("Exists on an absent key", EndpointSelector.of(SelectorRequirement.exists("k8s:zone")), false),
                Arguments.of("DoesNotExist on an absent key", EndpointSelector.of(req("k8s:zone", SelectorOperator.DoesNotExist)), true),
                Arguments.of("DoesNotExist on a present key", EndpointSelector.of(req("k8s:app", SelectorOperator.DoesNotExist)), false),
                Arguments.of("all requirements must hold", EndpointSelector.of(SelectorRequirement.equalTo("k8s:app", "web"),
                        SelectorRequirement.equalTo("k8s:tier", "back")), false),
                Arguments.of("source must match", EndpointSelector.of(SelectorRequirement.equalTo("reserved:app", "web")), false),
                Arguments.of("any source", EndpointSelector.of(SelectorRequirement.equalTo("any:app", "web")), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matches(String name, EndpointSelector selector, boolean expected) {
        assertThat(selector.matches(WEB)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void equalSelectorsAreEqualWhateverTheOrder(String name, EndpointSelector selector, boolean expected) {
        List<SelectorRequirement> reversed = new java.util.ArrayList<>(selector.requirements());
        java.util.Collections.reverse(reversed);
        assertThat(new EndpointSelector(reversed)).isEqualTo(selector).hasSameHashCodeAs(selector);
    }

    private static SelectorRequirement req(String key, SelectorOperator op, String... values) {
        return new SelectorRequirement(key, op, List.of(values));
    }
}
