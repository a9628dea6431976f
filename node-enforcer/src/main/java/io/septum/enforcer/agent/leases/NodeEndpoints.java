package io.septum.enforcer.agent.leases;

import java.util.List;

/** What lease renewal needs from the node: which endpoints it enforces, and a way to register one again. */
public interface NodeEndpoints {

    /** Every endpoint this node enforces now, as "namespace/pod". */
    List<String> keys() throws Exception;

    /**
     * Registers the endpoint with identity-service again (it lost it: an expiry, a restored database), if the node
     * still enforces it; does nothing otherwise.
     */
    void registerAgain(String key) throws Exception;
}
