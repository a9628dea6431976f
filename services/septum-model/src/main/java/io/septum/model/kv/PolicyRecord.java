package io.septum.model.kv;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Value in the policies bucket: one stored policy object, its revision (the policy-service change number
 * that last wrote it) and its validated document, which every enforcer parses with the same parser.
 */
public record PolicyRecord(String kind, String namespace, String name, long revision, JsonNode document) {
}
