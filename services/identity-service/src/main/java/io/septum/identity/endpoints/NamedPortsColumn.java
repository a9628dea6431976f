package io.septum.identity.endpoints;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.septum.model.kv.NamedPort;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

import java.util.List;

/** Named ports as a JSON array in a text column (Hibernate Reactive maps a jsonb column only to a JSON object). */
@Converter
public class NamedPortsColumn implements AttributeConverter<List<NamedPort>, String> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<NamedPort>> TYPE = new TypeReference<>() {
    };

    @Override
    public String convertToDatabaseColumn(List<NamedPort> ports) {
        try {
            return JSON.writeValueAsString(ports);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("write named ports " + ports + ": " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public List<NamedPort> convertToEntityAttribute(String column) {
        try {
            return JSON.readValue(column, TYPE);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("read named ports '" + column + "': " + e.getOriginalMessage(), e);
        }
    }
}
