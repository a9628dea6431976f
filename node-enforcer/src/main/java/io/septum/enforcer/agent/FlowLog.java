package io.septum.enforcer.agent;

import io.septum.enforcer.datapath.FlowEvent;

import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Receives the datapath's flow events. For now it logs them (drops at FINE, for debugging); exporting them
 * to flow-service over NATS is the flow observability work. Must never throw: it runs inside the ring
 * buffer callback.
 */
final class FlowLog implements Consumer<FlowEvent> {

    private static final Logger LOG = Logger.getLogger(FlowLog.class.getName());

    private final String node;

    FlowLog(String node) {
        this.node = node;
    }

    @Override
    public void accept(FlowEvent event) {
        try {
            if (LOG.isLoggable(Level.FINE)) {
                LOG.fine(node + " " + event);
            }
        } catch (RuntimeException e) {
            // Never let an exception reach the native upcall.
        }
    }
}
