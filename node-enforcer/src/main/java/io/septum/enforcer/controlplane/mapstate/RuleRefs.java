package io.septum.enforcer.controlplane.mapstate;

import io.septum.model.policy.rules.PolicyRules;
import io.septum.model.policy.rules.RuleRef;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Numbers for rules, written into policy entries so that a flow can name the rule that decided it.
 * The number is a hash of the rule's name, so it is the same after an enforcer restart and on every
 * node (a restarted enforcer finds its pinned entries already right). 0 means "no rule".
 */
public final class RuleRefs {

    private final Map<Integer, RuleRef> byNumber = new HashMap<>();

    public int numberOf(RuleRef ref) {
        int number = hash(ref.toString());
        byNumber.put(number, ref);
        return number;
    }

    public Optional<RuleRef> lookup(int number) {
        return Optional.ofNullable(byNumber.get(number));
    }

    /** Knows exactly the rules of {@code policies} (also those of endpoints not recomputed since). */
    public void reset(Collection<PolicyRules> policies) {
        byNumber.clear();
        for (PolicyRules rules : policies) {
            rules.rules().forEach(rule -> numberOf(rule.ref()));
        }
    }

    static int hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            int number = ((digest[0] & 0xff) << 24) | ((digest[1] & 0xff) << 16) | ((digest[2] & 0xff) << 8) | (digest[3] & 0xff);
            return number == 0 ? 1 : number;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
