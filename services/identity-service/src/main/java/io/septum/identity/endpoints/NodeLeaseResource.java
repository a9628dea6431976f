package io.septum.identity.endpoints;

import io.septum.auth.Role;
import io.septum.auth.rest.Access;
import io.septum.identity.api.FieldProblems;
import io.septum.identity.api.IdentityApi;
import io.septum.identity.api.Operation;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

import java.util.List;

@Path("/v1/nodes")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "endpoints")
public class NodeLeaseResource {

    private final NodeLeases leases;

    public NodeLeaseResource(NodeLeases leases) {
        this.leases = leases;
    }

    @PUT
    @Path("{node}/lease")
    @APIResponse(responseCode = "200", description = "The renewed lease, and how the node's list compared",
            content = @Content(schema = @Schema(implementation = NodeLease.class)))
    @APIResponse(responseCode = "400", ref = IdentityApi.BAD_REQUEST)
    @APIResponse(responseCode = "503", ref = IdentityApi.UNAVAILABLE)
    @Access(value = Role.ENFORCER, node = "path:node")
    public Uni<NodeLease> renewNodeLease(@RestPath String node, LeaseRenewal renewal) {
        return Operation.run("renew lease of node " + node, () -> {
            FieldProblems problems = new FieldProblems();
            problems.dnsSubdomain("node", node);
            List<String> listed = renewal == null ? null : renewal.endpoints();
            if (listed != null) {
                for (int i = 0; i < listed.size(); i++) {
                    endpointKey("endpoints[" + i + "]", listed.get(i), problems);
                }
            }
            problems.throwIfAny();
            return leases.renew(node, listed);
        });
    }

    private static void endpointKey(String path, String key, FieldProblems problems) {
        int slash = key == null ? -1 : key.indexOf('/');
        if (slash < 0) {
            problems.add(path, "'" + key + "' is not namespace/pod");
            return;
        }
        FieldProblems parts = new FieldProblems();
        parts.dnsLabel("namespace", key.substring(0, slash));
        parts.dnsSubdomain("pod", key.substring(slash + 1));
        if (!parts.isEmpty()) {
            problems.add(path, "'" + key + "' is not namespace/pod with a DNS label and a DNS subdomain");
        }
    }
}
