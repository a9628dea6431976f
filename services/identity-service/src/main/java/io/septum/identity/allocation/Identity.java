package io.septum.identity.allocation;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.septum.model.identity.ReservedIdentity;
import io.septum.model.kv.IdentityRecord;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/**
 * A security identity as the API shows it: its number and its sorted label texts; read back (not allocated) also how
 * many endpoints refer to it and, when none does, since when a collection pass has seen it unused.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Identity(@Schema(required = true) int id,
                       @Schema(required = true) List<String> labels,
                       Integer endpoints,
                       @Schema(type = SchemaType.STRING, format = "date-time") Instant unusedSince) {

    public Identity {
        labels = List.copyOf(labels);
    }

    public static Identity of(int id, IdentityLabels labels) {
        return new Identity(id, labels.texts(), null, null);
    }

    public static Identity of(ReservedIdentity reserved) {
        return of(reserved.id().value(), IdentityLabels.of(reserved.labels()));
    }

    Identity withUse(int endpoints, Instant unusedSince) {
        return new Identity(id, labels, endpoints, unusedSince);
    }

    public IdentityRecord toRecord() {
        return new IdentityRecord(id, labels);
    }
}
