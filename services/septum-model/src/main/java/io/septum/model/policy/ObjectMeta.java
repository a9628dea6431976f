package io.septum.model.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A policy object's {@code metadata}, read with the API server's rules: fields the server manages (uid,
 * resourceVersion, …) are accepted and dropped; {@code namespace} is empty for cluster-wide kinds, whatever
 * the document says (kubectl ignores it there too).
 */
public record ObjectMeta(String name, String namespace, Map<String, String> labels, Map<String, String> annotations) {

    /** Set to "true" on a policy to audit instead of drop what it would drop (see {@link #audit()}). */
    public static final String AUDIT_ANNOTATION = "policy.septum.io/audit";

    private static final Set<String> FIELDS = Set.of("name", "namespace", "labels", "annotations", "uid",
            "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink", "finalizers",
            "ownerReferences", "deletionTimestamp", "deletionGracePeriodSeconds", "generateName");

    public ObjectMeta {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }

    /** True when the audit annotation says so: the selected endpoints' would-be drops are let through and reported. */
    public boolean audit() {
        return "true".equals(annotations.get(AUDIT_ANNOTATION));
    }

    /**
     * Reads {@code at} (the document's metadata field); empty when it is missing or has errors.
     * {@code defaultNamespace} applies to namespaced kinds when metadata.namespace is absent, as kubectl does.
     */
    public static Optional<ObjectMeta> read(FieldCursor at, String defaultNamespace, boolean namespaced) {
        if (!at.isPresent()) {
            at.error("is required");
            return Optional.empty();
        }
        if (!at.requireObject(FIELDS)) {
            return Optional.empty();
        }
        int errorsBefore = at.errorCount();
        FieldCursor nameAt = at.field("name");
        String name = nameAt.requiredText().orElse(null);
        if (name != null && !FieldCursor.isDnsSubdomain(name)) {
            nameAt.error("'" + name + "' is not a valid name: lower-case alphanumerics, '-' and '.', at most 253 characters");
        }
        String namespace = namespaced ? defaultNamespace : "";
        FieldCursor nsAt = at.field("namespace");
        Optional<String> ns = nsAt.text();
        if (ns.isPresent() && namespaced) {
            namespace = ns.get();
            if (!FieldCursor.isDnsLabel(namespace)) {
                nsAt.error("'" + namespace + "' is not a valid namespace: lower-case alphanumerics and '-', at most 63 characters");
            }
        }
        FieldCursor labelsAt = at.field("labels");
        Map<String, String> labels = labelsAt.stringMap();
        labels.forEach((k, v) -> {
            FieldCursor.labelKeyProblem(k).ifPresent(labelsAt.field(k)::error);
            FieldCursor.labelValueProblem(v).ifPresent(labelsAt.field(k)::error);
        });
        FieldCursor annotationsAt = at.field("annotations");
        Map<String, String> annotations = annotationsAt.stringMap();
        String audit = annotations.get(AUDIT_ANNOTATION);
        if (audit != null && !List.of("true", "false").contains(audit)) {
            annotationsAt.field(AUDIT_ANNOTATION).error("must be \"true\" or \"false\", got '" + audit + "'");
        }
        if (at.errorCount() > errorsBefore || name == null) {
            return Optional.empty();
        }
        return Optional.of(new ObjectMeta(name, namespace, labels, annotations));
    }

    /**
     * The stored form of a document: apiVersion, kind, this metadata (namespace only for namespaced kinds) and
     * the given body fields of the input, copied as they are. Server-managed metadata and status are dropped.
     */
    public JsonNode normalized(JsonNode input, String apiVersion, String kind, List<String> bodyFields) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("apiVersion", apiVersion);
        out.put("kind", kind);
        ObjectNode meta = out.putObject("metadata");
        meta.put("name", name);
        if (!namespace.isEmpty()) {
            meta.put("namespace", namespace);
        }
        if (!labels.isEmpty()) {
            ObjectNode l = meta.putObject("labels");
            new java.util.TreeMap<>(labels).forEach(l::put);
        }
        if (!annotations.isEmpty()) {
            ObjectNode a = meta.putObject("annotations");
            new java.util.TreeMap<>(annotations).forEach(a::put);
        }
        for (String field : bodyFields) {
            if (input.has(field)) {
                out.set(field, input.get(field).deepCopy());
            }
        }
        return out;
    }
}
