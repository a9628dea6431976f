package io.septum.model.policy.rules;

import io.septum.model.policy.Direction;
import io.septum.model.policy.PolicyRef;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Names one rule: the policy, the direction, the list of the document it comes from ({@code section}:
 * "ingress", "egressDeny", …; "specs[1].ingress" for a rule of a Cilium policy's second element of specs) and
 * the rule's index in that list.
 */
public record RuleRef(PolicyRef policy, Direction direction, int index, String section) {

    /** A rule of the direction's own list ("ingress" or "egress"), as NetworkPolicy has only those. */
    public RuleRef(PolicyRef policy, Direction direction, int index) {
        this(policy, direction, index, direction.name().toLowerCase(Locale.ROOT));
    }

    /**
     * The rule's number in policy map entries and flow events: the first 32 bits of SHA-256 of its name
     * ({@link #toString()}), never 0 (0 means "no rule"). Derived from the name alone, so every enforcer, after
     * any restart, and flow-service (which names the deciding rule of a flow from it) agree without exchanging it.
     */
    public int number() {
        return number(toString());
    }

    static int number(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            int number = ((digest[0] & 0xff) << 24) | ((digest[1] & 0xff) << 16) | ((digest[2] & 0xff) << 8) | (digest[3] & 0xff);
            return number == 0 ? 1 : number;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Where the rule is in its document, below spec: "ingress[0]", "specs[1].egressDeny[2]". */
    public String path() {
        return section + "[" + index + "]";
    }

    @Override
    public String toString() {
        return policy + " " + path();
    }
}
