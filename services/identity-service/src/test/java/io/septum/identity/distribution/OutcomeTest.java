package io.septum.identity.distribution;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class OutcomeTest {

    @Test
    void aCallbackThatThrowsDoesNotKeepTheOthersOfItsBatchFromTheirAnswers() {
        List<String> answered = new ArrayList<>();
        List<Outcome<String>> batch = List.of(
                (value, failure) -> answered.add("first " + value),
                (value, failure) -> {
                    throw new IllegalStateException("the caller's connection is gone");
                },
                (value, failure) -> answered.add("third " + value));

        assertThatCode(() -> batch.forEach(outcome -> Outcome.tell(outcome, "256", null, () -> "the allocation of k8s:app=a")))
                .doesNotThrowAnyException();
        assertThat(answered).containsExactly("first 256", "third 256");
    }

    @Test
    void theUniCompletesWithTheValueOrFailsWithTheFailure() {
        assertThat(Outcome.<String>uni(outcome -> outcome.answer("256", null)).await().indefinitely()).isEqualTo("256");
        IllegalStateException refused = new IllegalStateException("namespace ns-a does not exist");
        assertThatCode(() -> Outcome.<String>uni(outcome -> outcome.answer(null, refused)).await().indefinitely())
                .isSameAs(refused);
    }
}
