package io.septum.identity.endpoints;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.septum.model.kv.NamedPort;

import java.util.List;

/**
 * Named ports as the endpoint table stores them: a JSON array in a text column, always written by this class, so
 * that the same ports give the same text and an unchanged endpoint can be told by comparing texts.
 */
final class NamedPortsJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<NamedPort>> TYPE = new TypeReference<>() {
    };

    private NamedPortsJson() {
    }

    static String write(List<NamedPort> ports) {
        try {
            return JSON.writeValueAsString(ports);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("write named ports " + ports + ": " + e.getOriginalMessage(), e);
        }
    }

    static List<NamedPort> read(String column) {
        try {
            return JSON.readValue(column, TYPE);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("read named ports '" + column + "': " + e.getOriginalMessage(), e);
        }
    }
}
