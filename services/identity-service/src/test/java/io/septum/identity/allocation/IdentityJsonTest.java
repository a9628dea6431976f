package io.septum.identity.allocation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.septum.model.kv.IdentityRecord;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IdentityJsonTest {

    /** Configured as Quarkus configures its ObjectMapper for dates; Jackson's own record serializer. */
    private static final ObjectMapper JACKSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();
    private static final ObjectMapper WRITTEN_HERE = JACKSON.copy().registerModule(IdentityJson.module());

    private static final List<String> LABELS = List.of("k8s:app=web", "k8s:io.kubernetes.pod.namespace=default",
            "k8s:quoted=\"x\"\\y", "k8s:unicode=é\u2028");

    @Test
    void identitiesAreWrittenAsJacksonWritesTheRecord() throws Exception {
        for (Identity identity : List.of(
                new Identity(256, LABELS, null, null),
                new Identity(1, List.of("reserved:host"), 3, null),
                new Identity(70_000, LABELS, 0, Instant.parse("2026-11-27T09:30:00.123456Z")),
                new Identity(300, List.of(), null, Instant.EPOCH))) {
            String expected = JACKSON.writeValueAsString(identity);
            assertThat(WRITTEN_HERE.writeValueAsString(identity)).as("%s", identity).isEqualTo(expected);
            assertThat(WRITTEN_HERE.readValue(expected, Identity.class)).isEqualTo(identity);
        }
    }

    @Test
    void bucketRecordsAreWrittenAsJacksonWritesTheRecord() throws Exception {
        for (IdentityRecord record : List.of(new IdentityRecord(256, LABELS), new IdentityRecord(65_535, List.of("k8s:a=b")))) {
            assertThat(WRITTEN_HERE.writeValueAsString(record)).isEqualTo(JACKSON.writeValueAsString(record));
            assertThat(WRITTEN_HERE.writeValueAsBytes(record)).isEqualTo(JACKSON.writeValueAsBytes(record));
        }
    }

    @Test
    void theSerializersAreTheOnesWrittenHere() throws Exception {
        for (Class<?> type : List.of(Identity.class, IdentityRecord.class)) {
            assertThat(WRITTEN_HERE.getSerializerProviderInstance().findValueSerializer(type).getClass().getEnclosingClass())
                    .as("serializer of %s", type.getSimpleName()).isEqualTo(IdentityJson.class);
        }
    }

    @Test
    void everyComponentIsWritten() {
        // a component added to either record must be added to IdentityJson too (and to the cases above)
        assertThat(names(Identity.class)).containsExactly("id", "labels", "endpoints", "unusedSince");
        assertThat(names(IdentityRecord.class)).containsExactly("id", "labels");
    }

    private static List<String> names(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
    }
}
