package io.septum.it;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the test control plane once for every end-to-end test class of a run (it takes ~10 s) and stops
 * it when the run ends: it is kept in the root context's store, which closes it at the end.
 * Classes that use it must leave no policies behind and bring their own lab up and down.
 */
public final class SharedControlPlane implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedControlPlane.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE).computeIfAbsent(ControlPlane.class, key -> {
            try {
                return ControlPlane.start();
            } catch (Exception e) {
                throw new IllegalStateException("start the test control plane: " + e.getMessage(), e);
            }
        }, ControlPlane.class);
    }
}
