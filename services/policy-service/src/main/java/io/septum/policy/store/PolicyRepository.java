package io.septum.policy.store;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Sort;
import io.septum.model.policy.PolicyObject;
import io.septum.model.policy.PolicyRef;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The stored policies, in PostgreSQL. Every write is one transaction that either changes nothing or
 * records a new revision with what it changed. Callers serialize writes (see
 * {@code io.septum.policy.distribution.PolicyWriter}); the unique key (kind, namespace, name) guards the rest.
 */
@ApplicationScoped
public class PolicyRepository {

    private static final Sort ORDER = Sort.by("kind").and("namespace").and("name");

    /** Creates or updates every object; an object whose document equals the stored one is unchanged. */
    @WithTransaction
    public Uni<ApplyOutcome> apply(List<PolicyObject> objects) {
        Set<String> namespaces = objects.stream().map(o -> o.ref().namespace()).collect(Collectors.toSet());
        Set<String> names = objects.stream().map(o -> o.ref().name()).collect(Collectors.toSet());
        return StoredPolicy.<StoredPolicy>list("namespace in ?1 and name in ?2", namespaces, names).chain(candidates -> {
            Map<PolicyRef, StoredPolicy> stored = candidates.stream()
                    .collect(Collectors.toMap(StoredPolicy::ref, Function.identity()));
            boolean changes = objects.stream().anyMatch(o -> {
                StoredPolicy existing = stored.get(o.ref());
                return existing == null || !existing.document.equals(o.document());
            });
            if (!changes) {
                List<ApplyOutcome.ObjectResult> results = objects.stream()
                        .map(o -> new ApplyOutcome.ObjectResult(o.ref(), ApplyOutcome.Action.unchanged, stored.get(o.ref()).revision))
                        .toList();
                return currentRevision().map(revision -> new ApplyOutcome(revision, results, List.of()));
            }
            return newRevision(PolicyRevision.Operation.apply).chain(revision -> write(revision, objects, stored));
        });
    }

    private Uni<ApplyOutcome> write(PolicyRevision revision, List<PolicyObject> objects, Map<PolicyRef, StoredPolicy> stored) {
        List<ApplyOutcome.ObjectResult> results = new ArrayList<>();
        List<StoredPolicy> created = new ArrayList<>();
        List<StoredPolicy> written = new ArrayList<>();
        List<PolicyChange> changes = new ArrayList<>();
        for (PolicyObject object : objects) {
            StoredPolicy policy = stored.get(object.ref());
            if (policy != null && policy.document.equals(object.document())) {
                results.add(new ApplyOutcome.ObjectResult(object.ref(), ApplyOutcome.Action.unchanged, policy.revision));
                continue;
            }
            ApplyOutcome.Action action = policy == null ? ApplyOutcome.Action.created : ApplyOutcome.Action.updated;
            if (policy == null) {
                policy = new StoredPolicy();
                policy.kind = object.ref().kind();
                policy.namespace = object.ref().namespace();
                policy.name = object.ref().name();
                policy.createdAt = revision.createdAt;
                created.add(policy);
            }
            policy.revision = revision.revision;
            policy.document = object.document();
            policy.updatedAt = revision.createdAt;
            written.add(policy);
            changes.add(PolicyChange.of(revision.revision, policy,
                    action == ApplyOutcome.Action.created ? PolicyChange.Action.created : PolicyChange.Action.updated));
            results.add(new ApplyOutcome.ObjectResult(object.ref(), action, revision.revision));
        }
        // Panache rejects persisting an empty list.
        Uni<Void> inserted = created.isEmpty() ? Uni.createFrom().voidItem() : StoredPolicy.persist(created);
        return inserted
                .chain(() -> PolicyChange.persist(changes))
                .map(ignored -> new ApplyOutcome(revision.revision, results,
                        written.stream().map(StoredPolicy::toRecord).toList()));
    }

    /** Deletes the selected objects; with none selected, changes nothing and answers the current revision. */
    @WithTransaction
    public Uni<DeleteOutcome> delete(PolicySelection selection) {
        return query(selection).chain(found -> {
            if (found.isEmpty()) {
                return currentRevision().map(revision -> new DeleteOutcome(revision, List.of()));
            }
            return newRevision(PolicyRevision.Operation.delete).chain(revision -> {
                List<PolicyChange> changes = found.stream()
                        .map(p -> PolicyChange.of(revision.revision, p, PolicyChange.Action.deleted))
                        .toList();
                List<Long> ids = found.stream().map(p -> p.id).toList();
                return PolicyChange.persist(changes)
                        .chain(() -> StoredPolicy.delete("id in ?1", ids))
                        .map(count -> new DeleteOutcome(revision.revision, found.stream().map(StoredPolicy::ref).toList()));
            });
        });
    }

    /** The selected objects, ordered by kind, namespace and name. */
    @WithSession
    public Uni<List<StoredPolicy>> find(PolicySelection selection) {
        return query(selection);
    }

    /** The latest revision, 0 before the first change. */
    @WithSession
    public Uni<Long> currentRevision() {
        return Panache.getSession()
                .chain(session -> session.createSelectionQuery("select max(r.revision) from PolicyRevision r", Long.class)
                        .getSingleResultOrNull())
                .map(revision -> revision == null ? 0L : revision);
    }

    private Uni<List<StoredPolicy>> query(PolicySelection selection) {
        List<String> conditions = new ArrayList<>();
        Map<String, Object> parameters = new HashMap<>();
        selection.namespace().ifPresent(ns -> {
            conditions.add("namespace = :namespace");
            parameters.put("namespace", ns);
        });
        selection.name().ifPresent(name -> {
            conditions.add("name = :name");
            parameters.put("name", name);
        });
        selection.kind().ifPresent(kind -> {
            conditions.add("lower(kind) = :kind");
            parameters.put("kind", kind.toLowerCase(Locale.ROOT));
        });
        if (conditions.isEmpty()) {
            return StoredPolicy.findAll(ORDER).list();
        }
        return StoredPolicy.list(String.join(" and ", conditions), ORDER, parameters);
    }

    private static Uni<PolicyRevision> newRevision(PolicyRevision.Operation operation) {
        PolicyRevision revision = new PolicyRevision();
        revision.operation = operation;
        // PostgreSQL keeps microseconds: truncate so the entities hold what the table holds.
        revision.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        // Flushed at once: the rows that name it are inserted right away (identity keys), after it.
        return revision.persistAndFlush();
    }
}
