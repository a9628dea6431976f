package io.septum.it;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ModifierSupport;
import org.junit.platform.commons.support.ReflectionSupport;

import java.lang.reflect.Field;
import java.util.List;

/**
 * Owns the lab of a test class annotated {@link Lab}: brings it up before the class's {@code @BeforeAll} methods
 * and takes it down (every policy deleted, the lab down) after its {@code @AfterAll} methods. A bring-up that fails
 * half-way (a node up, the next one failing) is taken down at once, so no lab outlives the class either way. With
 * {@link Lab#resetAfterEach()}, puts the lab back ({@link PolicyLab#reset()}) after each test.
 *
 * <p>The lab is handed to the class through its fields of type {@link PolicyLab}: static ones once the lab is up,
 * instance ones as each test instance is made (with {@code PER_CLASS}, whose one instance exists before the lab,
 * once the lab is up).
 */
public final class PolicyLabExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback, TestInstancePostProcessor {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PolicyLabExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Class<?> testClass = context.getRequiredTestClass();
        Lab declared = AnnotationSupport.findAnnotation(testClass, Lab.class)
                .orElseThrow(() -> new ExtensionConfigurationException(
                        "bring up the lab of " + testClass.getName() + ": the class has no @Lab"));
        PolicyLab lab;
        try {
            lab = PolicyLab.up(declared.file(), declared.nodes());
        } catch (Exception | Error e) {
            try {
                PolicyLab.tearDown();
            } catch (Exception teardown) {
                e.addSuppressed(teardown);
            }
            throw e;
        }
        context.getStore(NAMESPACE).put(PolicyLab.class, lab);
        set(testClass, null, lab);
        context.getTestInstance().ifPresent(instance -> set(testClass, instance, lab));
    }

    @Override
    public void postProcessTestInstance(Object instance, ExtensionContext context) {
        // PER_CLASS makes its instance before beforeAll: there is no lab yet, and beforeAll sets the fields.
        PolicyLab lab = context.getStore(NAMESPACE).get(PolicyLab.class, PolicyLab.class);
        if (lab != null) {
            set(instance.getClass(), instance, lab);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (!AnnotationSupport.findAnnotation(context.getRequiredTestClass(), Lab.class).map(Lab::resetAfterEach).orElse(false)) {
            return;
        }
        // the class's store, where beforeAll put the lab: a test's context looks there too
        PolicyLab lab = context.getStore(NAMESPACE).get(PolicyLab.class, PolicyLab.class);
        if (lab != null) {
            lab.reset();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        PolicyLab lab = context.getStore(NAMESPACE).remove(PolicyLab.class, PolicyLab.class);
        if (lab != null) {
            lab.close();
        }
    }

    /** Sets the static fields of type PolicyLab (instance null) or the instance's. */
    private static void set(Class<?> testClass, Object instance, PolicyLab lab) {
        List<Field> fields = ReflectionSupport.findFields(testClass,
                f -> f.getType() == PolicyLab.class && ModifierSupport.isStatic(f) == (instance == null),
                HierarchyTraversalMode.TOP_DOWN);
        for (Field field : fields) {
            try {
                field.setAccessible(true);
                field.set(instance, lab);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new ExtensionConfigurationException("hand the lab to " + testClass.getName() + "." + field.getName()
                        + ": " + e.getMessage(), e);
            }
        }
    }
}
