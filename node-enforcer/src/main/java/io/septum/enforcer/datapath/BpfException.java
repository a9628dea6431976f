package io.septum.enforcer.datapath;

import io.septum.enforcer.datapath.libbpf.Errno;

/**
 * A failed native operation of the datapath: a libbpf or bpf(2) call, or the network namespace and
 * interface plumbing around them. The message names the operation, the object and the error, e.g.
 * {@code update map policy (pin /sys/fs/bpf/septum/lab/node-0/policy): E2BIG (Argument list too long)}.
 */
public class BpfException extends RuntimeException {

    private final String operation;
    private final String object;
    private final int errno;

    /** A native call failed with {@code errno}. */
    public BpfException(String operation, String object, int errno) {
        super(operation + " (" + object + "): " + Errno.describe(errno));
        this.operation = operation;
        this.object = object;
        this.errno = errno;
    }

    /** A native call failed with {@code errno}; {@code detail} (e.g. libbpf's log lines) follows the message. */
    public BpfException(String operation, String object, int errno, String detail) {
        super(operation + " (" + object + "): " + Errno.describe(errno) + detail);
        this.operation = operation;
        this.object = object;
        this.errno = errno;
    }

    /** An operation failed for a reason found by Septum itself; {@link #errno()} is 0. */
    public BpfException(String operation, String object, String reason) {
        super(operation + " (" + object + "): " + reason);
        this.operation = operation;
        this.object = object;
        this.errno = 0;
    }

    /** What was attempted, e.g. "update map policy". */
    public String operation() {
        return operation;
    }

    /** What it was attempted on, e.g. "pin /sys/fs/bpf/septum/node-0/policy". */
    public String object() {
        return object;
    }

    /** The errno the native call failed with, or 0 if the failure was not a native error. */
    public int errno() {
        return errno;
    }
}
