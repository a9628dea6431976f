package io.septum.identity.allocation;

import io.septum.model.identity.NumericIdentity;
import io.septum.model.identity.ReservedIdentity;
import io.septum.model.kv.IdentityRecord;
import io.septum.model.labels.Labels;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** A security identity as the API shows it: its number and its sorted label texts. */
public record Identity(@Schema(required = true) int id, @Schema(required = true) List<String> labels) {

    public Identity {
        labels = List.copyOf(labels);
    }

    public static Identity of(NumericIdentity id, Labels labels) {
        return new Identity(id.value(), labels.toStrings());
    }

    public static Identity of(IdentityEntity entity) {
        return new Identity(entity.id, entity.labelSet().toStrings());
    }

    public static Identity of(ReservedIdentity reserved) {
        return of(reserved.id(), reserved.labels());
    }

    public IdentityRecord toRecord() {
        return new IdentityRecord(id, labels);
    }
}
