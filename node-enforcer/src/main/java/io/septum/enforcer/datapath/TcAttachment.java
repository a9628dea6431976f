package io.septum.enforcer.datapath;

/**
 * The Septum programs attached to an interface, as the kernel reports them.
 *
 * @param ifindex          the interface's index in its network namespace
 * @param ingressProgramId id of the program on the tc ingress hook (from_container), 0 if none
 * @param egressProgramId  id of the program on the tc egress hook (to_container), 0 if none
 */
public record TcAttachment(int ifindex, int ingressProgramId, int egressProgramId) {
}
