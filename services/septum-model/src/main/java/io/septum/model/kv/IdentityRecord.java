package io.septum.model.kv;

import java.util.List;

/** Value in the identities bucket: an identity number and its sorted label texts ({@code source:key=value}). */
public record IdentityRecord(int id, List<String> labels) {

    public IdentityRecord {
        labels = List.copyOf(labels);
    }

    public static String key(int id) {
        return Integer.toString(id);
    }
}
