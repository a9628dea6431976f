package io.septum.identity.allocation;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.quarkus.jackson.ObjectMapperCustomizer;
import io.septum.model.kv.IdentityRecord;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.List;

/**
 * Writes the two values every allocation writes — the identity it answers ({@link Identity}) and the identities
 * bucket's entry ({@link IdentityRecord}) — with the generator directly: Jackson's record serializer reads each
 * component through reflection, which was ~8% of the service's CPU in the allocation benchmark. The JSON is exactly
 * what Jackson wrote for them (same names, order and omissions; IdentityJsonTest compares both ways and fails when a
 * component is added that is not written here).
 */
@Singleton
public class IdentityJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(module());
    }

    static SimpleModule module() {
        return new SimpleModule("septum-identity-json")
                .addSerializer(Identity.class, new IdentitySerializer())
                .addSerializer(IdentityRecord.class, new RecordSerializer());
    }

    private static void writeLabels(JsonGenerator gen, List<String> labels) throws IOException {
        gen.writeArrayFieldStart("labels");
        for (String label : labels) {
            gen.writeString(label);
        }
        gen.writeEndArray();
    }

    private static final class IdentitySerializer extends StdSerializer<Identity> {

        IdentitySerializer() {
            super(Identity.class);
        }

        @Override
        public void serialize(Identity identity, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartObject(identity);
            gen.writeNumberField("id", identity.id());
            writeLabels(gen, identity.labels());
            // @JsonInclude(NON_NULL) on Identity: an allocation's answer has neither
            if (identity.endpoints() != null) {
                gen.writeNumberField("endpoints", identity.endpoints());
            }
            if (identity.unusedSince() != null) {
                provider.defaultSerializeField("unusedSince", identity.unusedSince(), gen); // as the mapper writes dates
            }
            gen.writeEndObject();
        }
    }

    private static final class RecordSerializer extends StdSerializer<IdentityRecord> {

        RecordSerializer() {
            super(IdentityRecord.class);
        }

        @Override
        public void serialize(IdentityRecord identity, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartObject(identity);
            gen.writeNumberField("id", identity.id());
            writeLabels(gen, identity.labels());
            gen.writeEndObject();
        }
    }
}
