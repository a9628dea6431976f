package io.septum.enforcer.controlplane.mapstate;

/**
 * What the datapath does with traffic matching a {@link PolicyKey}: allow, or deny (a deny wins over any
 * allow for the same packet), and which rule decided ({@link RuleRefs} number, 0 = no rule, e.g. the
 * allow-all of a direction that no policy isolates).
 */
public record PolicyEntry(boolean deny, int ruleRef) {

    public static PolicyEntry allow(int ruleRef) {
        return new PolicyEntry(false, ruleRef);
    }

    public static PolicyEntry denyBy(int ruleRef) {
        return new PolicyEntry(true, ruleRef);
    }
}
