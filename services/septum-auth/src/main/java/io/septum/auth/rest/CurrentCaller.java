package io.septum.auth.rest;

import jakarta.enterprise.context.RequestScoped;

/**
 * The caller of the current request, set by {@link AccessFilter} once the token is verified. Operations whose
 * namespace or node lies in their body ({@link Access#BODY}) check it here.
 */
@RequestScoped
public class CurrentCaller {

    private Caller caller;
    private String operation = "";
    private String object = "";

    void set(Caller caller, String operation, String object) {
        this.caller = caller;
        this.operation = operation;
        this.object = object;
    }

    public Caller get() {
        if (caller == null) {
            throw new IllegalStateException("no verified caller in this request: the operation lacks @Access");
        }
        return caller;
    }

    /** Refuses (403, audited) unless the caller may write in {@code namespace}; empty is cluster-wide (admin only). */
    public void requireNamespace(String namespace, String what) {
        Caller c = get();
        if (!c.mayWriteIn(namespace)) {
            throw deny(c, new AccessDenied(AccessDenied.Reason.NAMESPACE_NOT_GRANTED, namespace.isEmpty()
                    ? what + " is cluster-wide (septum-admin only)"
                    : what + " is in namespace " + namespace + ", which the token does not grant"));
        }
    }

    /** Refuses (403, audited) unless the caller may act for {@code node}. */
    public void requireNode(String node, String what) {
        Caller c = get();
        if (!c.mayActFor(node)) {
            throw deny(c, new AccessDenied(AccessDenied.Reason.NODE_MISMATCH, what + " belongs to node " + node
                    + ", not to the token's node"));
        }
    }

    private AccessDenied deny(Caller c, AccessDenied denial) {
        Audit.denied(c, operation, object, denial);
        return denial;
    }
}
