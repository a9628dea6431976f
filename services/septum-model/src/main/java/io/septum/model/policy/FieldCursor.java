package io.septum.model.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Walks one input document while remembering the field path, so that every error it reports names the
 * exact field ({@code spec.ingress[0].ports[1].port}). Readers never throw on bad input: they record a
 * {@link FieldError} and return an empty value, so one pass reports every problem.
 */
public final class FieldCursor {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern LABEL_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

    private final JsonNode node;
    private final String path;
    private final int document;
    private final List<FieldError> errors;

    private FieldCursor(JsonNode node, String path, int document, List<FieldError> errors) {
        this.node = node == null ? MissingNode.getInstance() : node;
        this.path = path;
        this.document = document;
        this.errors = errors;
    }

    public static FieldCursor root(JsonNode node, int document, List<FieldError> errors) {
        return new FieldCursor(node, "", document, errors);
    }

    public JsonNode node() {
        return node;
    }

    public String path() {
        return path;
    }

    public FieldCursor field(String name) {
        return new FieldCursor(node.path(name), path.isEmpty() ? name : path + "." + name, document, errors);
    }

    public boolean isPresent() {
        return !node.isMissingNode() && !node.isNull();
    }

    /** How many errors this parse has recorded so far, in any document field. */
    public int errorCount() {
        return errors.size();
    }

    public void error(String message) {
        errors.add(new FieldError(document, path, message));
    }

    /** Records an error for every field of this object that is not in {@code allowed}. */
    public boolean requireObject(Set<String> allowed) {
        if (!node.isObject()) {
            error("must be an object");
            return false;
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                field(name).error("unknown field (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
        return true;
    }

    /** The elements of an array field (empty when absent or null). */
    public List<FieldCursor> elements() {
        if (!isPresent()) {
            return List.of();
        }
        if (!node.isArray()) {
            error("must be a list");
            return List.of();
        }
        List<FieldCursor> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            out.add(new FieldCursor(node.get(i), path + "[" + i + "]", document, errors));
        }
        return out;
    }

    public <T> List<T> list(Function<FieldCursor, Optional<T>> reader) {
        List<T> out = new ArrayList<>();
        for (FieldCursor element : elements()) {
            reader.apply(element).ifPresent(out::add);
        }
        return out;
    }

    public Optional<String> text() {
        if (!isPresent()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            error("must be a string");
            return Optional.empty();
        }
        return Optional.of(node.textValue());
    }

    public Optional<String> requiredText() {
        if (!isPresent()) {
            error("is required");
            return Optional.empty();
        }
        return text();
    }

    public Optional<Integer> integer(int min, int max) {
        if (!isPresent()) {
            return Optional.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            error("must be an integer");
            return Optional.empty();
        }
        int value = node.intValue();
        if (value < min || value > max) {
            error("must be between " + min + " and " + max + ", got " + value);
            return Optional.empty();
        }
        return Optional.of(value);
    }

    /** A map of string to string, as metadata.labels or matchLabels. */
    public Map<String, String> stringMap() {
        Map<String, String> out = new LinkedHashMap<>();
        if (!isPresent()) {
            return out;
        }
        if (!node.isObject()) {
            error("must be a map of strings");
            return out;
        }
        node.properties().forEach(e -> {
            if (e.getValue().isTextual()) {
                out.put(e.getKey(), e.getValue().textValue());
            } else if (e.getValue().isNumber() || e.getValue().isBoolean()) {
                field(e.getKey()).error("must be a string (quote it: \"" + e.getValue().asText() + "\")");
            } else {
                field(e.getKey()).error("must be a string");
            }
        });
        return out;
    }

    public static boolean isDnsLabel(String s) {
        return s.length() <= 63 && DNS_LABEL.matcher(s).matches();
    }

    public static boolean isDnsSubdomain(String s) {
        return s.length() <= 253 && DNS_SUBDOMAIN.matcher(s).matches();
    }

    /** A Kubernetes label key: an optional DNS subdomain prefix and '/', then a name of at most 63 characters. */
    public static Optional<String> labelKeyProblem(String key) {
        int slash = key.lastIndexOf('/');
        String prefix = slash >= 0 ? key.substring(0, slash) : null;
        String name = slash >= 0 ? key.substring(slash + 1) : key;
        if (prefix != null && !isDnsSubdomain(prefix)) {
            return Optional.of("key '" + key + "' has an invalid prefix: must be a DNS subdomain");
        }
        if (name.isEmpty() || name.length() > 63 || !LABEL_NAME.matcher(name).matches()) {
            return Optional.of("key '" + key + "' is invalid: a name of at most 63 characters of [A-Za-z0-9-_.], starting and ending alphanumeric");
        }
        return Optional.empty();
    }

    public static Optional<String> labelValueProblem(String value) {
        if (value.isEmpty() || (value.length() <= 63 && LABEL_NAME.matcher(value).matches())) {
            return Optional.empty();
        }
        return Optional.of("value '" + value + "' is invalid: at most 63 characters of [A-Za-z0-9-_.], starting and ending alphanumeric");
    }
}
