package io.septum.model.labels;

/** The operators of a Kubernetes label selector requirement. */
public enum SelectorOperator {
    In, NotIn, Exists, DoesNotExist;

    /** Whether the operator takes a non-empty value list (In, NotIn) or none (Exists, DoesNotExist). */
    public boolean takesValues() {
        return this == In || this == NotIn;
    }
}
