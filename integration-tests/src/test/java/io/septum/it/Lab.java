package io.septum.it;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The lab a test class runs on: {@link PolicyLabExtension} brings it up once before the class's tests (after the
 * shared control plane, which it needs) and takes it down after them, and sets the class's {@link PolicyLab}
 * fields to it; with {@link #resetAfterEach()}, it also puts the lab back after each test.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
// SharedControlPlane first: the lab's enforcers connect to it. JUnit registers an extension class once, so a
// class may still name SharedControlPlane itself.
@ExtendWith({SharedControlPlane.class, PolicyLabExtension.class})
public @interface Lab {

    /** The lab file, relative to the repository root ({@code infra/lab/...}). */
    String file();

    /** How many nodes the lab has; pods are spread over them round-robin. */
    int nodes();

    /**
     * Whether each test leaves the lab as it found it: after each test (after the class's {@code @AfterEach} methods,
     * also when the test failed) {@link PolicyLab#reset()} deletes every policy and restores the labels the test
     * changed, so that the next test starts from the lab as it came up.
     */
    boolean resetAfterEach() default false;
}
