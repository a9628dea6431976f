package io.septum.auth.rest;

import io.septum.auth.Role;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Who may call a REST operation: the roles besides septum-admin (who may call everything), and where a
 * policy-editor's namespace and an enforcer's node come from. {@link AccessFilter} enforces it before the
 * operation runs; an operation without it is refused to everyone but admin, and each service's role-table
 * test fails for an operation it does not list.
 *
 * <p>{@code namespace} and {@code node} are {@code "path:<param>"}, {@code "query:<param>"} or {@link #BODY}
 * (the operation checks the objects of its body itself through {@link CurrentCaller}). A policy-editor may
 * write only with a namespace source, an enforcer only with a node source: a write that names neither is
 * refused to them, so a forgotten source fails closed.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Access {

    String BODY = "body";

    /** Roles, besides septum-admin, that may call the operation. */
    Role[] value();

    /** Where the namespace that a policy-editor must be granted comes from. */
    String namespace() default "";

    /** Where the node that an enforcer must be comes from. */
    String node() default "";
}
