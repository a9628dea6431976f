package io.septum.enforcer.controlplane.resolve;

import io.septum.enforcer.controlplane.mapstate.MapState;
import io.septum.enforcer.controlplane.mapstate.PolicyEntry;
import io.septum.enforcer.controlplane.mapstate.PolicyKey;
import io.septum.model.labels.Labels;
import io.septum.model.policy.Direction;
import io.septum.model.policy.PolicyRef;
import io.septum.model.policy.rules.RuleRef;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyBudgetTest {

    private static final RuleRef BIG = new RuleRef(new PolicyRef("NetworkPolicy", "x", "big"), Direction.INGRESS, 0);
    private static final RuleRef SMALL = new RuleRef(new PolicyRef("NetworkPolicy", "x", "small"), Direction.EGRESS, 1);

    @ParameterizedTest(name = "{0} entries, {1} new, map holds {2} of 1000 (budget 100): {3}")
    @CsvSource(delimiter = '|', textBlock = """
            100 | 100 |   0 | fits
            101 |   0 |   0 | endpoint x/a: its policy needs 101 map entries, more than the per-endpoint budget of 100 (largest rules: NetworkPolicy x/big ingress[0] 90, NetworkPolicy x/small egress[1] 11); it keeps enforcing its previous policy
             50 |  50 | 950 | fits
             50 |  51 | 950 | endpoint x/a: its policy needs 51 new map entries, but the policy map (capacity 1,000) has 50 free; it keeps enforcing its previous policy
             10 |  10 | 999 | endpoint x/a: its policy needs 10 new map entries, but the policy map (capacity 1,000) has 1 free; it keeps enforcing its previous policy
            """)
    void refusesWhatDoesNotFitTheEndpointOrTheMap(int entries, int newKeys, int mapUsed, String expected) {
        PolicyBudget budget = new PolicyBudget(100, 1000);
        Resolution desired = resolution(entries, Map.of(BIG, entries - 11, SMALL, 11));
        assertThat(budget.refusal("x/a", desired, newKeys, mapUsed).orElse("fits")).isEqualTo(expected);
    }

    @Test
    void theBudgetCannotExceedTheMap() {
        assertThatThrownBy(() -> new PolicyBudget(2000, 1000))
                .hasMessage("the per-endpoint policy budget (2000 entries) exceeds the policy map's capacity (1000 entries)");
        assertThatThrownBy(() -> new PolicyBudget(0, 1000)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new PolicyBudget(65_536, 1 << 20).describe())
                .isEqualTo("policy map capacity 1,048,576 entries, at most 65,536 per endpoint (16 endpoints at their full budget)");
    }

    private static Resolution resolution(int entries, Map<RuleRef, Integer> keysByRule) {
        Map<PolicyKey, PolicyEntry> map = new HashMap<>();
        for (int i = 0; i < entries; i++) {
            map.put(PolicyKey.anyProtocol(1000 + i, Direction.INGRESS), PolicyEntry.allow(1));
        }
        PolicyInputs inputs = new PolicyInputs(new EndpointSubject(1, Labels.EMPTY, List.of()), Set.of(), false, false);
        return new Resolution(MapState.of(map), inputs, keysByRule, Set.of());
    }
}
