package io.septum.model.policy;

/**
 * One problem with one field of an input document: {@code path} is the field path inside the document
 * ({@code spec.ingress[0].ports[1].port}); {@code document} is the 0-based index of the document in a
 * multi-document input.
 */
public record FieldError(int document, String path, String message) {

    @Override
    public String toString() {
        String where = path.isEmpty() ? "(document)" : path;
        return (document > 0 ? "document " + document + ": " : "") + where + ": " + message;
    }
}
