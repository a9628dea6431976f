package io.septum.policy.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.septum.model.policy.PolicyRef;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of a write, on one connection inside its transaction: each statement covers every object of the
 * write at once (arrays unnested by PostgreSQL), so a revision of 1,000 objects costs as many round trips as
 * one of a single object. Reads and writes here see and leave the tables exactly as the entities map them
 * ({@link StoredPolicy}, {@link PolicyChange}, {@link PolicyRevision}); the entity classes serve as plain
 * values, never attached to a Hibernate session.
 */
final class RevisionStatements {

    private static final String COLUMNS = "p.id, p.kind, p.namespace, p.name, p.revision, p.document::text, p.source, p.created_at, p.updated_at";
    private static final String ORDER = " ORDER BY p.kind, p.namespace, p.name";

    private final SqlClient connection;
    private final ObjectMapper mapper;

    RevisionStatements(SqlClient connection, ObjectMapper mapper) {
        this.connection = connection;
        this.mapper = mapper;
    }

    /** The stored rows of these objects (those stored; one query, whatever their number). */
    Uni<List<StoredPolicy>> stored(Collection<PolicyRef> refs) {
        if (refs.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return connection.preparedQuery("SELECT " + COLUMNS + " FROM unnest($1::text[], $2::text[], $3::text[]) AS b(kind, namespace, name)"
                        + " JOIN policies p ON p.kind = b.kind AND p.namespace = b.namespace AND p.name = b.name")
                .execute(Tuple.tuple()
                        .addValue(refs.stream().map(PolicyRef::kind).toArray(String[]::new))
                        .addValue(refs.stream().map(PolicyRef::namespace).toArray(String[]::new))
                        .addValue(refs.stream().map(PolicyRef::name).toArray(String[]::new)))
                .map(this::policies);
    }

    /** The rows the source owns, ordered by kind, namespace and name. */
    Uni<List<StoredPolicy>> ownedBy(String source) {
        return connection.preparedQuery("SELECT " + COLUMNS + " FROM policies p WHERE p.source = $1" + ORDER)
                .execute(Tuple.of(source))
                .map(this::policies);
    }

    /** The selected rows, ordered by kind, namespace and name; kind matched case-insensitively. */
    Uni<List<StoredPolicy>> selected(PolicySelection selection) {
        List<String> conditions = new ArrayList<>();
        Tuple parameters = Tuple.tuple();
        selection.namespace().ifPresent(ns -> {
            parameters.addValue(ns);
            conditions.add("p.namespace = $" + parameters.size());
        });
        selection.name().ifPresent(name -> {
            parameters.addValue(name);
            conditions.add("p.name = $" + parameters.size());
        });
        selection.kind().ifPresent(kind -> {
            parameters.addValue(kind);
            conditions.add("lower(p.kind) = lower($" + parameters.size() + ")");
        });
        String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        return connection.preparedQuery("SELECT " + COLUMNS + " FROM policies p" + where + ORDER)
                .execute(parameters)
                .map(this::policies);
    }

    /** The latest revision, 0 before the first change. */
    Uni<Long> currentRevision() {
        return connection.query("SELECT coalesce(max(revision), 0) FROM policy_revisions").execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** A new revision row, its number from policy_revision_seq. */
    Uni<PolicyRevision> newRevision(PolicyRevision.Operation operation, String actor, Optional<String> source, Instant createdAt) {
        return connection.preparedQuery("INSERT INTO policy_revisions (revision, created_at, operation, actor, source)"
                        + " VALUES (nextval('policy_revision_seq'), $1, $2, $3, $4) RETURNING revision")
                .execute(Tuple.of(utc(createdAt), operation.name(), actor, source.orElse(null)))
                .map(rows -> {
                    PolicyRevision revision = new PolicyRevision();
                    revision.revision = rows.iterator().next().getLong(0);
                    revision.createdAt = createdAt;
                    revision.operation = operation;
                    revision.actor = actor;
                    revision.source = source.orElse(null);
                    return revision;
                });
    }

    /** Inserts new rows (their ids are not read back: nothing after the insert needs them). */
    Uni<Void> insert(List<StoredPolicy> created) {
        if (created.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery("INSERT INTO policies (kind, namespace, name, revision, document, created_at, updated_at, source)"
                        + " SELECT t.kind, t.namespace, t.name, t.revision, t.document::json, t.created_at, t.updated_at, t.source"
                        + " FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::text[])"
                        + " AS t(kind, namespace, name, revision, document, created_at, updated_at, source)")
                .execute(Tuple.tuple()
                        .addValue(created.stream().map(p -> p.kind).toArray(String[]::new))
                        .addValue(created.stream().map(p -> p.namespace).toArray(String[]::new))
                        .addValue(created.stream().map(p -> p.name).toArray(String[]::new))
                        .addValue(created.stream().map(p -> p.revision).toArray(Long[]::new))
                        .addValue(created.stream().map(p -> json(p.document)).toArray(String[]::new))
                        .addValue(created.stream().map(p -> utc(p.createdAt)).toArray(OffsetDateTime[]::new))
                        .addValue(created.stream().map(p -> utc(p.updatedAt)).toArray(OffsetDateTime[]::new))
                        .addValue(created.stream().map(p -> p.source).toArray(String[]::new)))
                .replaceWithVoid();
    }

    /** Writes revision, document, update time and source of stored rows, by id. */
    Uni<Void> update(List<StoredPolicy> updated) {
        if (updated.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery("UPDATE policies p SET revision = t.revision, document = t.document::json,"
                        + " updated_at = t.updated_at, source = t.source"
                        + " FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamptz[], $5::text[]) AS t(id, revision, document, updated_at, source)"
                        + " WHERE p.id = t.id")
                .execute(Tuple.tuple()
                        .addValue(updated.stream().map(p -> p.id).toArray(Long[]::new))
                        .addValue(updated.stream().map(p -> p.revision).toArray(Long[]::new))
                        .addValue(updated.stream().map(p -> json(p.document)).toArray(String[]::new))
                        .addValue(updated.stream().map(p -> utc(p.updatedAt)).toArray(OffsetDateTime[]::new))
                        .addValue(updated.stream().map(p -> p.source).toArray(String[]::new)))
                .replaceWithVoid();
    }

    /** Deletes rows by id. */
    Uni<Void> delete(List<StoredPolicy> deleted) {
        if (deleted.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery("DELETE FROM policies WHERE id = ANY($1::bigint[])")
                .execute(Tuple.of(deleted.stream().map(p -> p.id).toArray(Long[]::new)))
                .replaceWithVoid();
    }

    /** Appends to the history. */
    Uni<Void> record(List<PolicyChange> changes) {
        if (changes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery("INSERT INTO policy_changes (revision, kind, namespace, name, action, document, source)"
                        + " SELECT t.revision, t.kind, t.namespace, t.name, t.action, t.document::json, t.source"
                        + " FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])"
                        + " AS t(revision, kind, namespace, name, action, document, source)")
                .execute(Tuple.tuple()
                        .addValue(changes.stream().map(c -> c.revision).toArray(Long[]::new))
                        .addValue(changes.stream().map(c -> c.kind).toArray(String[]::new))
                        .addValue(changes.stream().map(c -> c.namespace).toArray(String[]::new))
                        .addValue(changes.stream().map(c -> c.name).toArray(String[]::new))
                        .addValue(changes.stream().map(c -> c.action.name()).toArray(String[]::new))
                        .addValue(changes.stream().map(c -> c.document == null ? null : json(c.document)).toArray(String[]::new))
                        .addValue(changes.stream().map(c -> c.source).toArray(String[]::new)))
                .replaceWithVoid();
    }

    /** Records the bucket sequence that distributed {@code revision}. */
    Uni<Void> distributed(long revision, long bucketSequence) {
        return connection.preparedQuery("UPDATE policy_revisions SET bucket_sequence = $1 WHERE revision = $2")
                .execute(Tuple.of(bucketSequence, revision))
                .replaceWithVoid();
    }

    private List<StoredPolicy> policies(RowSet<Row> rows) {
        List<StoredPolicy> out = new ArrayList<>(rows.size());
        for (Row row : rows) {
            StoredPolicy policy = new StoredPolicy();
            policy.id = row.getLong(0);
            policy.kind = row.getString(1);
            policy.namespace = row.getString(2);
            policy.name = row.getString(3);
            policy.revision = row.getLong(4);
            policy.document = tree(row.getString(5));
            policy.source = row.getString(6);
            policy.createdAt = row.getOffsetDateTime(7).toInstant();
            policy.updatedAt = row.getOffsetDateTime(8).toInstant();
            out.add(policy);
        }
        return out;
    }

    private String json(JsonNode document) {
        try {
            return mapper.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("serialize a policy document", e);
        }
    }

    private JsonNode tree(String text) {
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("read a stored policy document", e);
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
