package io.septum.identity.endpoints;

import java.util.List;

/**
 * The body of PUT /v1/nodes/{node}/lease: the node's endpoints ("namespace/pod"), all of them, or absent to renew
 * without comparing.
 */
public record LeaseRenewal(List<String> endpoints) {
}
