package io.septum.identity.endpoints;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

public record EndpointList(@Schema(required = true) List<Endpoint> items) {
}
