package io.septum.identity.namespaces;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

public record NamespaceList(@Schema(required = true) List<Namespace> items) {
}
