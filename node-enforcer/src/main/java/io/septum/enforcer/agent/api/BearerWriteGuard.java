package io.septum.enforcer.agent.api;

import io.septum.auth.Role;
import io.septum.auth.token.TokenVerifier;
import io.septum.enforcer.agent.api.LocalApiServer.ApiException;

import java.util.logging.Logger;

/**
 * Who may change this node's endpoints through the local API: a bearer token of septum-admin (the lab, an
 * operator) or of role enforcer for this very node (a CNI plugin on the node holds the node's token) — the same
 * tokens and rules as the services'. 401 without a valid token, 403 with another role or node; refusals go to
 * the audit log like the services'.
 */
public final class BearerWriteGuard implements LocalApiServer.WriteGuard {

    private static final Logger AUDIT = Logger.getLogger("septum.audit");

    private final TokenVerifier verifier;
    private final String node;

    public BearerWriteGuard(TokenVerifier verifier, String node) {
        this.verifier = verifier;
        this.node = node;
    }

    @Override
    public void check(String operation, String authorization) throws ApiException {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw refused(401, operation, "-", "a bearer token is required");
        }
        TokenVerifier.Bearer bearer;
        try {
            bearer = verifier.verify(authorization.substring(7).strip());
        } catch (TokenVerifier.InvalidToken e) {
            throw refused(401, operation, "-", "invalid bearer token: " + e.getMessage());
        }
        boolean allowed = bearer.roles().contains(Role.ADMIN)
                || bearer.roles().contains(Role.ENFORCER) && bearer.node().filter(node::equals).isPresent();
        if (!allowed) {
            throw refused(403, operation, bearer.subject(), "only septum-admin or the enforcer of node " + node + " may change its endpoints");
        }
    }

    private static ApiException refused(int status, String operation, String subject, String reason) {
        // The services' audit line (septum-auth's Audit), so one query finds refusals of every API.
        AUDIT.info("denied status=" + status + " subject=" + subject + " operation=" + operation + " cause=\"" + reason + "\"");
        return new ApiException(status, operation + ": " + reason);
    }
}
