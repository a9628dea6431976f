package io.septum.enforcer.datapath;

/**
 * One policy map value (struct policy_value).
 *
 * @param deny    a deny entry: wins over allow entries of either identity lookup
 * @param ruleRef opaque id of the deciding rule, reported in flow events; 0 = unknown
 */
public record PolicyMapValue(boolean deny, int ruleRef) {

    public static PolicyMapValue allow(int ruleRef) {
        return new PolicyMapValue(false, ruleRef);
    }

    public static PolicyMapValue deny(int ruleRef) {
        return new PolicyMapValue(true, ruleRef);
    }
}
