package io.septum.model.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.septum.model.policy.cilium.CiliumPolicy;
import io.septum.model.policy.cilium.CiliumPolicyReader;
import io.septum.model.policy.k8s.NetworkPolicy;
import io.septum.model.policy.k8s.NetworkPolicyReader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses policy documents — YAML (one or many documents, or a {@code kind: List}) or JSON — into validated
 * {@link PolicyObject}s. All or nothing: any error in any document fails the whole input with every
 * offending field listed, so that a rejected bundle changes nothing.
 */
public final class PolicyParser {

    public static final String DEFAULT_NAMESPACE = "default";

    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private PolicyParser() {
    }

    public static List<PolicyObject> parse(String text) throws PolicyValidationException {
        return parse(text, DEFAULT_NAMESPACE);
    }

    public static List<PolicyObject> parse(String text, String defaultNamespace) throws PolicyValidationException {
        return parseDocuments(readDocuments(text), defaultNamespace);
    }

    /** Parses documents already read into trees (the stored form, as the enforcer receives it). */
    public static PolicyObject parseDocument(JsonNode document) throws PolicyValidationException {
        List<PolicyObject> objects = parseDocuments(List.of(document), DEFAULT_NAMESPACE);
        if (objects.size() != 1) {
            throw new PolicyValidationException(List.of(new FieldError(0, "", "expected exactly one policy object, got " + objects.size())));
        }
        return objects.getFirst();
    }

    private static List<PolicyObject> parseDocuments(List<JsonNode> documents, String defaultNamespace) throws PolicyValidationException {
        List<FieldError> errors = new ArrayList<>();
        List<PolicyObject> objects = new ArrayList<>();
        int index = 0;
        for (JsonNode document : documents) {
            for (JsonNode item : expandLists(document, index, errors)) {
                readOne(FieldCursor.root(item, index, errors), defaultNamespace).ifPresent(objects::add);
            }
            index++;
        }
        if (errors.isEmpty() && objects.isEmpty()) {
            errors.add(new FieldError(0, "", "no policy documents in the input"));
        }
        if (!errors.isEmpty()) {
            throw new PolicyValidationException(errors);
        }
        List<FieldError> duplicates = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (objects.get(i).ref().equals(objects.get(j).ref())) {
                    duplicates.add(new FieldError(i, "metadata.name", objects.get(i).ref() + " appears more than once in the input"));
                }
            }
        }
        if (!duplicates.isEmpty()) {
            throw new PolicyValidationException(duplicates);
        }
        return objects;
    }

    private static Optional<? extends PolicyObject> readOne(FieldCursor at, String defaultNamespace) {
        if (!at.node().isObject()) {
            at.error("must be an object with apiVersion, kind, metadata and spec");
            return Optional.empty();
        }
        FieldCursor kindAt = at.field("kind");
        FieldCursor versionAt = at.field("apiVersion");
        Optional<String> kind = kindAt.requiredText();
        Optional<String> version = versionAt.requiredText();
        if (kind.isEmpty() || version.isEmpty()) {
            return Optional.empty();
        }
        if (kind.get().equals(NetworkPolicy.KIND)) {
            if (!version.get().equals(NetworkPolicy.API_VERSION)) {
                versionAt.error("unsupported apiVersion '" + version.get() + "' for NetworkPolicy (expected " + NetworkPolicy.API_VERSION + ")");
                return Optional.empty();
            }
            return NetworkPolicyReader.read(at, defaultNamespace);
        }
        if (CiliumPolicy.isKind(kind.get())) {
            if (!version.get().equals(CiliumPolicy.API_VERSION)) {
                versionAt.error("unsupported apiVersion '" + version.get() + "' for " + kind.get() + " (expected " + CiliumPolicy.API_VERSION + ")");
                return Optional.empty();
            }
            return CiliumPolicyReader.read(at, kind.get(), defaultNamespace);
        }
        kindAt.error("unsupported kind '" + kind.get() + "' (supported: NetworkPolicy, " + CiliumPolicy.KIND + ", "
                + CiliumPolicy.CLUSTERWIDE_KIND + ")");
        return Optional.empty();
    }

    /** A {@code kind: List} (as kubectl get -o yaml prints) stands for its items. */
    private static List<JsonNode> expandLists(JsonNode document, int index, List<FieldError> errors) {
        if (document.isObject() && "List".equals(document.path("kind").asText()) && document.has("items")) {
            List<JsonNode> items = new ArrayList<>();
            FieldCursor.root(document, index, errors).field("items").elements().forEach(c -> items.add(c.node()));
            return items;
        }
        return List.of(document);
    }

    private static List<JsonNode> readDocuments(String text) throws PolicyValidationException {
        String trimmed = text.stripLeading();
        List<JsonNode> documents = new ArrayList<>();
        try {
            if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
                JsonNode node = JSON.readTree(text);
                if (node != null && node.isArray()) {
                    node.forEach(documents::add);
                } else if (node != null) {
                    documents.add(node);
                }
            } else {
                try (JsonParser parser = new YAMLFactory().createParser(text);
                     MappingIterator<JsonNode> it = YAML.readValues(parser, JsonNode.class)) {
                    while (it.hasNextValue()) {
                        JsonNode node = it.nextValue();
                        // "---" followed by nothing, or a comment-only document, is not a policy.
                        if (node != null && !node.isNull() && !node.isMissingNode()) {
                            documents.add(node);
                        }
                    }
                }
            }
        } catch (JsonProcessingException e) {
            var location = e.getLocation();
            String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
            throw new PolicyValidationException(List.of(new FieldError(0, "", "not valid YAML or JSON" + where + ": " + e.getOriginalMessage())));
        } catch (IOException | RuntimeException e) {
            throw new PolicyValidationException(List.of(new FieldError(0, "", "not valid YAML or JSON: " + e.getMessage())));
        }
        return documents;
    }
}
