package io.septum.enforcer.datapath.libbpf;

import io.septum.enforcer.datapath.BpfException;

/** The number of possible CPUs, which sizes every per-CPU value buffer (not the online count). */
public final class PossibleCpus {

    private static final int COUNT = read();

    private PossibleCpus() {
    }

    public static int count() {
        return COUNT;
    }

    private static int read() {
        int count = Native.libbpfNumPossibleCpus();
        if (count <= 0) {
            throw new BpfException("count possible CPUs", "/sys/devices/system/cpu/possible", Errno.of(count));
        }
        return count;
    }
}
