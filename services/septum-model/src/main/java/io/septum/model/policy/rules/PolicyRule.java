package io.septum.model.policy.rules;

import io.septum.model.policy.Direction;

import java.util.List;

/**
 * One allow or deny rule: traffic in {@code direction} between the selected endpoints and any of
 * {@code peers} on any of {@code ports} (empty: every protocol and port).
 */
public record PolicyRule(RuleRef ref, Direction direction, Action action, List<Peer> peers, List<PortRule> ports) {

    public enum Action { ALLOW, DENY }

    public PolicyRule {
        peers = List.copyOf(peers);
        ports = List.copyOf(ports);
    }
}
