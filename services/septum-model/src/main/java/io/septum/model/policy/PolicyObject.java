package io.septum.model.policy;

import io.septum.model.policy.rules.PolicyRules;

/** A policy document of a supported kind, parsed and validated. */
public interface PolicyObject {

    PolicyRef ref();

    /** The document as it is stored and distributed: the validated input with its metadata normalized. */
    com.fasterxml.jackson.databind.JsonNode document();

    /** The rules this object means, in the form the enforcer computes map state from. */
    PolicyRules toRules();
}
