package io.septum.it;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the test control plane once for every end-to-end test class of a run (it takes ~10 s) and stops
 * it when the run ends: the run's root context's store closes it at the end. A run started inside a test of this
 * JVM (LabBringUpFailurePrivilegedTest launches a class of its own) uses the plane of the run around it, which
 * holds the ports. Classes that use it must leave no policies behind and bring their own lab up and down.
 */
public final class SharedControlPlane implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedControlPlane.class);

    /** The plane this JVM runs, null when none; guarded by the class. */
    private static ControlPlane running;

    @Override
    public void beforeAll(ExtensionContext context) {
        synchronized (SharedControlPlane.class) {
            if (running != null) {
                return;
            }
            try {
                running = ControlPlane.start();
            } catch (Exception e) {
                throw new IllegalStateException("start the test control plane: " + e.getMessage(), e);
            }
            ControlPlane plane = running;
            context.getRoot().getStore(NAMESPACE).put(ControlPlane.class, (AutoCloseable) () -> {
                synchronized (SharedControlPlane.class) {
                    running = null;
                }
                plane.close();
            });
        }
    }
}
