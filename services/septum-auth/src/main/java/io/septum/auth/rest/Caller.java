package io.septum.auth.rest;

import io.septum.auth.Role;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The verified bearer of a request's token: subject, roles, granted namespaces (policy-editor), node (enforcer). */
public record Caller(String subject, Set<Role> roles, Set<String> namespaces, Optional<String> node) {

    public Caller {
        roles = Set.copyOf(roles);
        namespaces = Set.copyOf(namespaces);
    }

    public boolean is(Role role) {
        return roles.contains(role);
    }

    /**
     * Whether this caller may write in {@code namespace} (empty: a cluster-wide object): admin anywhere, a
     * policy-editor in the namespaces of its token.
     */
    public boolean mayWriteIn(String namespace) {
        return is(Role.ADMIN) || is(Role.POLICY_EDITOR) && !namespace.isEmpty() && namespaces.contains(namespace);
    }

    /** Whether this caller may act for {@code node}: admin for any, an enforcer for its own. */
    public boolean mayActFor(String node) {
        return is(Role.ADMIN) || is(Role.ENFORCER) && this.node.filter(node::equals).isPresent();
    }

    /** For messages: the roles as their claim names. */
    public List<String> roleNames() {
        return roles.stream().map(Role::claim).sorted().toList();
    }
}
