package io.septum.policy.explain;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * Why the datapath lets a connection through or drops it: the verdict of each direction (egress at the
 * source's veth, ingress at the destination's) and the overall one: denied when a direction is, else audited
 * when a direction is (the datapath lets it through and reports it as AUDIT), else allowed.
 */
public record Explanation(Endpoint from, Endpoint to, int port, String protocol,
                          @Schema(enumeration = {"allowed", "audited", "denied"}) String verdict,
                          DirectionVerdict egress, DirectionVerdict ingress) {

    /**
     * One end of the connection: a pod (namespace and pod set) or an address outside any pod (both empty).
     * {@code identity} is what the datapath sees: the ipcache identity of the address (2 = world when none).
     */
    public record Endpoint(String namespace, String pod, String address, int identity, String node, List<String> labels) {
        public Endpoint {
            labels = List.copyOf(labels);
        }

        boolean isPod() {
            return !pod.isEmpty();
        }
    }

    /**
     * The decision of one direction. {@code enforced} is false when that end is not a pod (no program
     * decides there). {@code reason}: "not isolated" (no policy selecting the endpoint isolates this
     * direction: everything passes), "allowed by rule", "denied by deny rule", "default deny" (isolated by
     * {@code isolatedBy} and no rule allows it). {@code rule} is the deciding rule as the enforcer names it
     * ("NetworkPolicy x/allow ingress[0]"; empty when none); {@code matchingRules} every rule of the
     * policies selecting the endpoint that matches this connection. {@code verdict} is "audited" for a drop
     * in a direction the endpoint audits (a policy in audit mode selects it there): the datapath lets the
     * packet through and reports it as AUDIT; {@code reason} still says why it would be dropped.
     */
    public record DirectionVerdict(boolean enforced,
                                   @Schema(enumeration = {"allowed", "audited", "denied"}) String verdict,
                                   @Schema(enumeration = {"not enforced", "not isolated", "allowed by rule", "denied by deny rule", "default deny"}) String reason,
                                   String rule, List<RuleMatch> matchingRules, List<String> isolatedBy) {
        public DirectionVerdict {
            matchingRules = List.copyOf(matchingRules);
            isolatedBy = List.copyOf(isolatedBy);
        }

        boolean denied() {
            return "denied".equals(verdict);
        }

        boolean audited() {
            return "audited".equals(verdict);
        }
    }

    /**
     * A rule by the name the enforcer and flows use: its policy, direction and index in its list, and {@code path},
     * where it is in the document below spec ("ingress[0]", "specs[1].egressDeny[0]" in a Cilium policy with specs).
     */
    public record RuleMatch(String kind, String namespace, String name,
                            @Schema(enumeration = {"ingress", "egress"}) String direction, int index, String path,
                            @Schema(enumeration = {"allow", "deny"}) String action, String ref) {
    }
}
