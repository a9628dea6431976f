package io.septum.identity.allocation;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

public record AllocateIdentityRequest(@Schema(required = true) List<String> labels) {
}
