package io.septum.cli.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.septum.cli.CliEnvironment;
import io.septum.cli.http.JsonHttp;
import io.septum.cli.policy.client.ExplainApi;
import io.septum.cli.policy.client.PoliciesApi;
import io.septum.cli.policy.client.RevisionsApi;
import io.septum.cli.policy.client.StatusApi;

/**
 * The CLI's calls to policy-service, all through the client generated from openapi/policy.yaml at build time
 * (io.septum.cli.policy.client): a contract change that renames an operation, a parameter or a field breaks
 * the build here. Answers are handed to the commands as JSON trees of the generated models.
 */
final class PolicyService {

    private PolicyService() {
    }

    private static JsonHttp http() {
        return new JsonHttp("policy-service", CliEnvironment.fromSystem().policyUrl());
    }

    private static JsonNode tree(Object model) {
        return JsonHttp.JSON.valueToTree(model);
    }

    /** applyPolicies: the bundle, with its namespace default, optional source, prune and dry run. */
    static JsonNode apply(String bundle, String namespace, String source, boolean prune, boolean dryRun) {
        return tree(new PoliciesApi(http()).applyPolicies(bundle, namespace, dryRun ? "true" : null, prune ? "true" : null, source));
    }

    /** getPolicy: as stored, or after {@code revision} when it is above 0. */
    static JsonNode get(String namespace, String name, String kind, long revision) {
        return tree(new PoliciesApi(http()).getPolicy(namespace, name, kind, revision > 0 ? revision : null));
    }

    /** deletePolicy (NS/NAME), or deletePolicies (every policy) when {@code name} is null. */
    static JsonNode delete(String namespace, String name) {
        PoliciesApi api = new PoliciesApi(http());
        return tree(name == null ? api.deletePolicies(null) : api.deletePolicy(namespace, name, null));
    }

    static JsonNode list() {
        return tree(new PoliciesApi(http()).listPolicies(null));
    }

    static JsonNode history(String namespace, String name) {
        return tree(new PoliciesApi(http()).getPolicyHistory(namespace, name, null));
    }

    /** listRevisions: the newest {@code limit}. */
    static JsonNode revisions(int limit) {
        return tree(new RevisionsApi(http()).listRevisions(null, limit));
    }

    static JsonNode explain(String from, String to, int port, String protocol) {
        return tree(new ExplainApi(http()).explain(from, to, port, protocol));
    }

    static JsonNode status() {
        return tree(new StatusApi(http()).getStatus());
    }
}
