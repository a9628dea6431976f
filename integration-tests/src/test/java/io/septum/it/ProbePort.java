package io.septum.it;

/** What a reachability matrix probes: one port over one protocol. */
public record ProbePort(int port, String protocol) {

    public static final ProbePort TCP_80 = new ProbePort(80, "TCP");
    public static final ProbePort TCP_81 = new ProbePort(81, "TCP");
    public static final ProbePort UDP_80 = new ProbePort(80, "UDP");
    public static final ProbePort UDP_81 = new ProbePort(81, "UDP");

    @Override
    public String toString() {
        return protocol + "/" + port;
    }
}
