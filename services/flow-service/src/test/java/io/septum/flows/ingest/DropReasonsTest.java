package io.septum.flows.ingest;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Drop reason names come from the packaged bpf/drop_reasons.h, the one definition the datapath is compiled from. */
class DropReasonsTest {

    @Test
    void namesAreReadFromThePackagedHeader() {
        DropReasons reasons = DropReasons.load();

        assertThat(reasons.name(0)).isEqualTo("NONE");
        assertThat(reasons.name(1)).isEqualTo("POLICY_DENIED");
        assertThat(reasons.name(3)).isEqualTo("UNKNOWN_ENDPOINT");
        assertThat(reasons.names()).contains("POLICY_DENY_RULE", "FRAGMENT_UNSUPPORTED");
        assertThat(reasons.name(250)).as("a code of a newer datapath").isEqualTo("REASON_250");
    }

    @Test
    void aHeaderWithoutEntriesIsRefused() {
        assertThatThrownBy(() -> DropReasons.parse("#define NOTHING")).hasMessageContaining("no X(code, NAME, \"description\") entries");
    }
}
