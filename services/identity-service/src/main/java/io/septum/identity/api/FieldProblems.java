package io.septum.identity.api;

import io.septum.model.policy.FieldCursor;
import io.septum.model.policy.FieldError;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Collects what is wrong with one request, field by field, so that one response lists every problem; nothing is
 * stored unless {@link #throwIfAny()} passes. Checks follow Kubernetes' rules for names and labels.
 */
public final class FieldProblems {

    private final List<FieldError> errors = new ArrayList<>();

    public void add(String path, String message) {
        errors.add(new FieldError(0, path, message));
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public int size() {
        return errors.size();
    }

    /** Fails with 400 listing every problem found; does nothing when there are none. */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
    }

    /** True when the value is present (not null, not empty); records "is required" otherwise. */
    public boolean required(String path, String value) {
        if (value == null || value.isEmpty()) {
            add(path, "is required");
            return false;
        }
        return true;
    }

    /** An integer query parameter between min and max; {@code absent} when not given (or wrong, recorded). */
    public int integer(String path, String text, int absent, int min, int max) {
        if (text == null || text.isEmpty()) {
            return absent;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // recorded below
        }
        add(path, "'" + text + "' must be an integer between " + min + " and " + max);
        return absent;
    }

    /** A namespace name: an RFC 1123 DNS label. */
    public void dnsLabel(String path, String value) {
        if (required(path, value) && !FieldCursor.isDnsLabel(value)) {
            add(path, "'" + value + "' is not a DNS label (at most 63 characters of [a-z0-9-], starting and ending alphanumeric)");
        }
    }

    /** A pod or node name: an RFC 1123 DNS subdomain. */
    public void dnsSubdomain(String path, String value) {
        if (required(path, value) && !FieldCursor.isDnsSubdomain(value)) {
            add(path, "'" + value + "' is not a DNS subdomain (at most 253 characters of [a-z0-9-.], "
                    + "dot-separated labels starting and ending alphanumeric)");
        }
    }

    /** Kubernetes labels: every key and value valid, each problem under {@code <path>.<key>}. */
    public void labelMap(String path, Map<String, String> labels) {
        labels.forEach((key, value) -> {
            String at = path + "." + key;
            FieldCursor.labelKeyProblem(key).ifPresent(problem -> add(at, problem));
            if (value == null) {
                add(at, "must be a string");
            } else {
                FieldCursor.labelValueProblem(value).ifPresent(problem -> add(at, problem));
            }
        });
    }
}
