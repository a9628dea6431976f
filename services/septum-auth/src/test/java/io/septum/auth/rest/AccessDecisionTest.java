package io.septum.auth.rest;

import io.septum.auth.Role;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The rule of {@link AccessFilter#decide}, without a server: which caller passes which kind of rule. */
class AccessDecisionTest {

    @Access({Role.VIEWER, Role.POLICY_EDITOR, Role.ENFORCER})
    void read() {
    }

    @Access(value = Role.POLICY_EDITOR, namespace = "query:namespace")
    void writeInNamespace() {
    }

    @Access(value = Role.ENFORCER, node = "path:node")
    void writeForNode() {
    }

    @Access({Role.POLICY_EDITOR, Role.VIEWER, Role.ENFORCER})
    void writeWithoutScope() {
    }

    static final Caller ADMIN = new Caller("a", Set.of(Role.ADMIN), Set.of(), Optional.empty());
    static final Caller EDITOR = new Caller("e", Set.of(Role.POLICY_EDITOR), Set.of("team-a"), Optional.empty());
    static final Caller VIEWER = new Caller("v", Set.of(Role.VIEWER), Set.of(), Optional.empty());
    static final Caller NODE_1 = new Caller("n", Set.of(Role.ENFORCER), Set.of(), Optional.of("node-1"));
    static final Caller NOBODY = new Caller("x", Set.of(), Set.of(), Optional.empty());

    @Test
    void decidesByRoleNamespaceAndNode() throws Exception {
        Map<String, String> params = Map.of("query:namespace", "team-a", "path:node", "node-1");
        assertThat(decision("read", EDITOR, false, params)).isEqualTo("allowed");
        assertThat(decision("read", NOBODY, false, params)).startsWith("role missing");
        assertThat(decision("writeInNamespace", EDITOR, true, params)).isEqualTo("allowed");
        assertThat(decision("writeInNamespace", EDITOR, true, Map.of("query:namespace", "team-b"))).startsWith("namespace not granted");
        assertThat(decision("writeInNamespace", EDITOR, true, Map.of("query:namespace", ""))).contains("cluster-wide");
        assertThat(decision("writeInNamespace", VIEWER, true, params)).startsWith("role missing");
        assertThat(decision("writeForNode", NODE_1, true, params)).isEqualTo("allowed");
        assertThat(decision("writeForNode", NODE_1, true, Map.of("path:node", "node-2"))).startsWith("node mismatch");
        assertThat(decision("writeForNode", ADMIN, true, Map.of("path:node", "node-2"))).isEqualTo("allowed");
        // A write rule that names roles without saying where their scope comes from fails closed.
        for (Caller c : new Caller[]{EDITOR, VIEWER, NODE_1}) {
            assertThat(decision("writeWithoutScope", c, true, params)).as(c.subject()).startsWith("role missing");
        }
    }

    @Test
    void anOperationWithoutARuleIsAdminOnly() {
        assertThat(AccessFilter.decide(null, EDITOR, false, p -> "", "op")).get()
                .extracting(AccessDenied::getMessage).asString().contains("no access rule");
        assertThat(AccessFilter.decide(null, ADMIN, true, p -> "", "op")).isEmpty();
    }

    private String decision(String method, Caller caller, boolean write, Map<String, String> params) throws Exception {
        Access rule = getClass().getDeclaredMethod(method).getAnnotation(Access.class);
        return AccessFilter.decide(rule, caller, write, source -> params.getOrDefault(source, ""), method)
                .map(AccessDenied::getMessage).orElse("allowed");
    }
}
