package io.septum.auth.rest;

import org.jboss.logging.Logger;

/**
 * The audit trail, on its own logger category {@value #CATEGORY} so that it can be routed, kept or shipped
 * apart from the service log: every refused request (401, 403) and every accepted change, each with
 * subject, operation and object.
 */
public final class Audit {

    public static final String CATEGORY = "septum.audit";
    private static final Logger LOG = Logger.getLogger(CATEGORY);

    private Audit() {
    }

    public static void unauthenticated(String operation, String object, String cause) {
        LOG.infof("denied status=401 subject=- operation=%s object=%s cause=\"%s\"", operation, object, cause);
    }

    public static void denied(Caller caller, String operation, String object, AccessDenied denial) {
        LOG.infof("denied status=403 subject=%s roles=%s operation=%s object=%s cause=\"%s\"",
                caller.subject(), caller.roleNames(), operation, object, denial.getMessage());
    }

    public static void changed(Caller caller, String operation, String object, int status) {
        LOG.infof("changed status=%d subject=%s roles=%s operation=%s object=%s",
                status, caller.subject(), caller.roleNames(), operation, object);
    }
}
