package io.septum.auth.rest;

import org.jboss.logging.Logger;

/**
 * The audit trail, on its own logger category {@value #CATEGORY} so that it can be routed, kept or shipped
 * apart from the service log: every refused request (401, 403) and every accepted change, each with
 * subject, operation and object. Lines are joined, not formatted: one is written per accepted change (every allocation
 * under load), and java.util.Formatter parses its format string on every call.
 */
public final class Audit {

    public static final String CATEGORY = "septum.audit";
    private static final Logger LOG = Logger.getLogger(CATEGORY);

    private Audit() {
    }

    public static void unauthenticated(String operation, String object, String cause) {
        LOG.info("denied status=401 subject=- operation=" + operation + " object=" + object + " cause=\"" + cause + '"');
    }

    public static void denied(Caller caller, String operation, String object, AccessDenied denial) {
        LOG.info("denied status=403 subject=" + caller.subject() + " roles=" + caller.roleNames() + " operation=" + operation
                + " object=" + object + " cause=\"" + denial.getMessage() + '"');
    }

    public static void changed(Caller caller, String operation, String object, int status) {
        LOG.info("changed status=" + status + " subject=" + caller.subject() + " roles=" + caller.roleNames() + " operation=" + operation
                + " object=" + object);
    }
}
