package io.septum.identity.allocation;

import io.septum.identity.api.ApiException;
import io.septum.identity.api.FieldProblems;
import io.septum.model.labels.Labels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SelectorQueryTest {

    private static final Labels WEB = Labels.parse(List.of("k8s:app=web", "k8s:tier=front", "reserved:host"));

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "''                              | true",
            "k8s:app=web                     | true",
            "k8s:app==web                    | true",
            "k8s:app = web                   | true",
            "app=web                         | true",
            "k8s:app=db                      | false",
            "k8s:app!=db                     | true",
            "k8s:app!=web                    | false",
            "k8s:absent!=x                   | true",
            "k8s:tier in (back, front)       | true",
            "k8s:tier notin (back,front)     | false",
            "k8s:app,reserved:host           | true",
            "!k8s:app                        | false",
            "! k8s:absent                    | true",
            "k8s:app=web,k8s:tier in (back)  | false",
            "any:tier in (front)             | true",
    })
    void selects(String selector, boolean matches) {
        FieldProblems problems = new FieldProblems();
        var parsed = SelectorQuery.parse("selector", selector, problems);
        problems.throwIfAny();
        assertThat(parsed.matches(WEB)).isEqualTo(matches);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "k8s:app in ()        | 'k8s:app in ()': the value list is empty",
            "k8s:app in (a,,b)    | 'k8s:app in (a,,b)': the value list has an empty entry",
            "k8s:app=a b          | 'k8s:app=a b' is not a selector requirement",
            "k8s:-app             | 'k8s:-app': key '-app' is invalid",
            "K8S:app              | 'K8S:app': source 'K8S' is invalid",
            "k8s:app=web!         | 'k8s:app=web!' is not a selector requirement",
            "k8s:app,             | '' is not a selector requirement",
    })
    void refusesNamingTheRequirement(String selector, String problem) {
        FieldProblems problems = new FieldProblems();
        SelectorQuery.parse("selector", selector, problems);
        assertThatThrownBy(problems::throwIfAny).isInstanceOf(ApiException.class)
                .hasMessageStartingWith("selector: " + problem);
    }
}
