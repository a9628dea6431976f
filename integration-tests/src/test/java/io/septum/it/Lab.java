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
 * fields to it.
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
}
