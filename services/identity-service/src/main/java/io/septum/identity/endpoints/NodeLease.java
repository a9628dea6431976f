package io.septum.identity.endpoints;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/**
 * A node's lease after a renewal: until when its endpoints stay, how long a lease lasts (renew every third of it),
 * how many endpoints the service holds for the node, and how the node's own list compared: endpoints it listed that
 * the service does not have (register them again), and endpoints the service had for it that it did not list, which
 * were removed.
 */
public record NodeLease(@Schema(required = true) String node,
                        @Schema(required = true, type = SchemaType.STRING, format = "date-time") Instant renewedAt,
                        @Schema(required = true, type = SchemaType.STRING, format = "date-time") Instant expiresAt,
                        @Schema(required = true) double leaseSeconds,
                        @Schema(required = true) int endpoints,
                        @Schema(required = true) List<String> unknownEndpoints,
                        @Schema(required = true) List<String> removedEndpoints) {

    public NodeLease {
        unknownEndpoints = List.copyOf(unknownEndpoints);
        removedEndpoints = List.copyOf(removedEndpoints);
    }
}
