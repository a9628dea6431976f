package io.septum.model.policy;

import io.septum.model.policy.rules.PolicyRules;

import java.util.List;

/** A policy document of a supported kind, parsed and validated. */
public interface PolicyObject {

    PolicyRef ref();

    /** The document as it is stored and distributed: the validated input with its metadata normalized. */
    com.fasterxml.jackson.databind.JsonNode document();

    /**
     * The rules this object means, in the form the enforcer computes map state from: one {@link PolicyRules} per
     * subject. A NetworkPolicy and a Cilium policy with {@code spec} have one; a Cilium policy with {@code specs}
     * has one per element, each with its own endpoint selector. Never empty; every element has this object's ref.
     */
    List<PolicyRules> toRules();
}
