package io.septum.policy.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import io.septum.model.policy.FieldError;
import io.septum.model.policy.PolicyObject;
import io.septum.model.policy.PolicyParser;
import io.septum.model.policy.PolicyValidationException;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Thousands of structurally mutated NetworkPolicies through the shared parser, as the apply endpoint parses
 * them: each is accepted (and translates to rules) or rejected with errors that name a field path — never
 * another exception. Character-level mutations are septum-model's PolicyParserFuzzTest.
 */
class PolicyParserStructureFuzzTest {

    static final int DOCUMENTS = 3_000;

    @Test
    void everyMutationIsAcceptedOrRejectedWithFieldPaths() {
        DocumentMutator mutator = new DocumentMutator(new Random(20261126));
        int rejected = 0;
        for (int i = 0; i < DOCUMENTS; i++) {
            JsonNode document = mutator.next();
            String yaml = DocumentMutator.yaml(document);
            try {
                PolicyParser.parse(yaml, "default").forEach(PolicyObject::toRules);
            } catch (PolicyValidationException e) {
                rejected++;
                assertThat(e.errors()).as("errors of mutation %d:%n%s", i, yaml).isNotEmpty();
                for (FieldError error : e.errors()) {
                    assertThat(error.message()).as("message of mutation %d", i).isNotBlank();
                    if (document.isObject()) {
                        // Only the whole input ("no policy documents", "not valid YAML") has no path.
                        assertThat(error.path().isEmpty() && !error.message().startsWith("no policy documents"))
                                .as("error without a field path for mutation %d: %s%n%s", i, error, yaml).isFalse();
                    }
                }
            } catch (RuntimeException | StackOverflowError e) {
                fail("mutation " + i + " made the parser throw " + e + " for:\n" + yaml, e);
            }
        }
        // The mutator must produce both outcomes, or it tests nothing.
        assertThat(rejected).isBetween(DOCUMENTS / 10, DOCUMENTS - DOCUMENTS / 20);
    }
}
