package io.septum.cli.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.septum.cli.CliEnvironment;
import io.septum.cli.http.JsonHttp;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The CLI's calls to policy-service (contract: openapi/policy.yaml), one method per operation. */
final class PolicyService {

    private PolicyService() {
    }

    static JsonHttp http() {
        return new JsonHttp("policy-service", CliEnvironment.fromSystem().policyUrl());
    }

    /** applyPolicies: the bundle, with its namespace default, optional source, prune and dry run. */
    static JsonNode apply(String bundle, String namespace, String source, boolean prune, boolean dryRun) {
        StringBuilder path = new StringBuilder("/v1/policies?namespace=").append(encode(namespace));
        if (source != null) {
            path.append("&source=").append(encode(source));
        }
        if (prune) {
            path.append("&prune=true");
        }
        if (dryRun) {
            path.append("&dryRun=true");
        }
        return http().post(path.toString(), "application/yaml", bundle);
    }

    /** getPolicy: as stored, or after {@code revision} when it is above 0. */
    static JsonNode get(String namespace, String name, String kind, long revision) {
        StringBuilder path = new StringBuilder("/v1/policies/").append(encode(namespace)).append('/').append(encode(name)).append('?');
        if (kind != null) {
            path.append("kind=").append(encode(kind)).append('&');
        }
        if (revision > 0) {
            path.append("revision=").append(revision);
        }
        return http().get(path.toString());
    }

    /** getPolicyHistory. */
    static JsonNode history(String namespace, String name) {
        return http().get("/v1/policies/" + encode(namespace) + "/" + encode(name) + "/history");
    }

    /** listRevisions: the newest {@code limit}. */
    static JsonNode revisions(int limit) {
        return http().get("/v1/revisions?limit=" + limit);
    }

    /** explain: the datapath's verdict on a connection. */
    static JsonNode explain(String from, String to, int port, String protocol) {
        return http().get("/v1/explain?from=" + encode(from) + "&to=" + encode(to) + "&port=" + port + "&protocol=" + encode(protocol));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
