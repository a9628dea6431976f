package io.septum.policy.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Sort;
import io.septum.model.policy.PolicyObject;
import io.septum.model.policy.PolicyRef;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The stored policies, in PostgreSQL. Every write is one transaction that either changes nothing or
 * records a new revision with what it changed. Callers serialize writes (see
 * {@code io.septum.policy.distribution.PolicyWriter}); the unique key (kind, namespace, name) guards the rest.
 * Writes are a few statements on the reactive pool, each for all objects of the write ({@link RevisionStatements}):
 * their cost does not grow with round trips per object. Reads go through Hibernate Reactive.
 */
@ApplicationScoped
public class PolicyRepository {

    private static final Sort ORDER = Sort.by("kind").and("namespace").and("name");

    /** The pool Hibernate Reactive uses too: writes run on it directly, a few statements whatever their size. */
    @Inject
    Pool sql;

    /** Reads and writes documents as Jackson trees, as Hibernate maps the json columns. */
    @Inject
    ObjectMapper mapper;

    /**
     * Creates or updates every object of the bundle by (kind, namespace, name), and with {@code prune}
     * deletes the objects owned by the request's source that the bundle does not hold. An object whose
     * document and owner equal the stored ones is unchanged; when nothing changes, or for a dry run,
     * nothing is written and no revision is made. One transaction of at most 7 statements, whatever the
     * bundle's size.
     */
    public Uni<ApplyOutcome> apply(ApplyRequest request) {
        List<PolicyObject> objects = request.objects();
        return sql.withTransaction(connection -> {
            RevisionStatements statements = new RevisionStatements(connection, mapper);
            Uni<List<StoredPolicy>> owned = request.prune()
                    ? statements.ownedBy(request.source().orElseThrow())
                    : Uni.createFrom().item(List.of());
            return statements.stored(objects.stream().map(PolicyObject::ref).toList()).chain(found -> owned.chain(ownedBySource -> {
                Map<PolicyRef, StoredPolicy> stored = found.stream()
                        .collect(Collectors.toMap(StoredPolicy::ref, Function.identity()));
                Set<PolicyRef> inBundle = objects.stream().map(PolicyObject::ref).collect(Collectors.toSet());
                List<StoredPolicy> pruned = ownedBySource.stream().filter(p -> !inBundle.contains(p.ref())).toList();
                boolean changes = !pruned.isEmpty() || objects.stream().anyMatch(o -> action(stored.get(o.ref()), o, request) != ApplyOutcome.Action.unchanged);
                if (!changes || request.dryRun()) {
                    return statements.currentRevision().map(revision -> plan(revision, request, stored, pruned));
                }
                return statements.newRevision(PolicyRevision.Operation.apply, request.actor(), request.source(), now())
                        .chain(revision -> write(statements, revision, request, stored, pruned));
            }));
        });
    }

    /** What the apply does to one object, compared with what is stored ({@code null}: nothing). */
    private static ApplyOutcome.Action action(StoredPolicy stored, PolicyObject object, ApplyRequest request) {
        if (stored == null) {
            return ApplyOutcome.Action.created;
        }
        // Applying with a source takes ownership; applying without one leaves the owner as it is.
        boolean ownerChanges = request.source().isPresent() && !request.source().get().equals(stored.source);
        return ownerChanges || !stored.document.equals(object.document()) ? ApplyOutcome.Action.updated : ApplyOutcome.Action.unchanged;
    }

    /** The outcome of an apply that writes nothing: what would happen, at the current revision. */
    private static ApplyOutcome plan(long current, ApplyRequest request, Map<PolicyRef, StoredPolicy> stored, List<StoredPolicy> pruned) {
        List<ApplyOutcome.ObjectResult> results = new ArrayList<>();
        for (PolicyObject object : request.objects()) {
            StoredPolicy policy = stored.get(object.ref());
            results.add(new ApplyOutcome.ObjectResult(object.ref(), action(policy, object, request), policy == null ? 0 : policy.revision));
        }
        pruned.forEach(p -> results.add(new ApplyOutcome.ObjectResult(p.ref(), ApplyOutcome.Action.pruned, p.revision)));
        return new ApplyOutcome(current, request.dryRun(), results, List.of(), List.of());
    }

    private static Uni<ApplyOutcome> write(RevisionStatements statements, PolicyRevision revision, ApplyRequest request,
                                           Map<PolicyRef, StoredPolicy> stored, List<StoredPolicy> pruned) {
        List<ApplyOutcome.ObjectResult> results = new ArrayList<>();
        List<StoredPolicy> created = new ArrayList<>();
        List<StoredPolicy> updated = new ArrayList<>();
        List<StoredPolicy> written = new ArrayList<>();
        List<PolicyChange> changes = new ArrayList<>();
        for (PolicyObject object : request.objects()) {
            StoredPolicy policy = stored.get(object.ref());
            ApplyOutcome.Action action = action(policy, object, request);
            if (action == ApplyOutcome.Action.unchanged) {
                results.add(new ApplyOutcome.ObjectResult(object.ref(), action, policy.revision));
                continue;
            }
            if (policy == null) {
                policy = new StoredPolicy();
                policy.kind = object.ref().kind();
                policy.namespace = object.ref().namespace();
                policy.name = object.ref().name();
                policy.createdAt = revision.createdAt;
                created.add(policy);
            } else {
                updated.add(policy);
            }
            policy.revision = revision.revision;
            policy.document = object.document();
            policy.updatedAt = revision.createdAt;
            if (request.source().isPresent()) {
                policy.source = request.source().get();
            }
            written.add(policy);
            changes.add(PolicyChange.of(revision.revision, policy,
                    action == ApplyOutcome.Action.created ? PolicyChange.Action.created : PolicyChange.Action.updated));
            results.add(new ApplyOutcome.ObjectResult(object.ref(), action, revision.revision));
        }
        for (StoredPolicy policy : pruned) {
            changes.add(PolicyChange.of(revision.revision, policy, PolicyChange.Action.deleted));
            results.add(new ApplyOutcome.ObjectResult(policy.ref(), ApplyOutcome.Action.pruned, revision.revision));
        }
        return statements.insert(created)
                .chain(() -> statements.update(updated))
                .chain(() -> statements.record(changes))
                .chain(() -> statements.delete(pruned))
                .map(ignored -> new ApplyOutcome(revision.revision, false, results,
                        written.stream().map(StoredPolicy::toRecord).toList(),
                        pruned.stream().map(StoredPolicy::ref).toList()));
    }

    /** Deletes the selected objects; with none selected, changes nothing and answers the current revision. */
    public Uni<DeleteOutcome> delete(PolicySelection selection, String actor) {
        return sql.withTransaction(connection -> {
            RevisionStatements statements = new RevisionStatements(connection, mapper);
            return statements.selected(selection).chain(found -> {
                if (found.isEmpty()) {
                    return statements.currentRevision().map(revision -> new DeleteOutcome(revision, List.of()));
                }
                return statements.newRevision(PolicyRevision.Operation.delete, actor, Optional.empty(), now()).chain(revision -> {
                    List<PolicyChange> changes = found.stream()
                            .map(p -> PolicyChange.of(revision.revision, p, PolicyChange.Action.deleted))
                            .toList();
                    return statements.record(changes)
                            .chain(() -> statements.delete(found))
                            .map(ignored -> new DeleteOutcome(revision.revision, found.stream().map(StoredPolicy::ref).toList()));
                });
            });
        });
    }

    /** Records the bucket sequence that distributed {@code revision} (see {@link PolicyRevision#bucketSequence}). */
    public Uni<Void> distributed(long revision, long bucketSequence) {
        return new RevisionStatements(sql, mapper).distributed(revision, bucketSequence);
    }

    /** The selected objects, ordered by kind, namespace and name. */
    @WithSession
    public Uni<List<StoredPolicy>> find(PolicySelection selection) {
        return query(selection);
    }

    /** At most {@code limit} revisions below {@code before}, newest first. */
    @WithSession
    public Uni<List<RevisionSummary>> revisions(long before, int limit) {
        return PolicyRevision.<PolicyRevision>find("revision < ?1", Sort.descending("revision"), before)
                .range(0, limit - 1).list()
                .chain(revisions -> {
                    if (revisions.isEmpty()) {
                        return Uni.createFrom().item(List.<RevisionSummary>of());
                    }
                    List<Long> numbers = revisions.stream().map(r -> r.revision).toList();
                    return Panache.getSession().chain(session -> session.createSelectionQuery(
                                    "select c.revision, count(c) from PolicyChange c where c.revision in :numbers group by c.revision",
                                    Object[].class).setParameter("numbers", numbers).getResultList())
                            .map(counts -> {
                                Map<Long, Long> byRevision = new HashMap<>();
                                counts.forEach(row -> byRevision.put((Long) row[0], (Long) row[1]));
                                return revisions.stream()
                                        .map(r -> new RevisionSummary(r, byRevision.getOrDefault(r.revision, 0L).intValue()))
                                        .toList();
                            });
                });
    }

    /** One revision with what it changed (ordered by kind, namespace, name); empty when there is no such revision. */
    @WithSession
    public Uni<Optional<RevisionDetail>> revision(long number) {
        return PolicyRevision.<PolicyRevision>findById(number).chain(revision -> revision == null
                ? Uni.createFrom().item(Optional.<RevisionDetail>empty())
                : PolicyChange.<PolicyChange>list("revision", ORDER, number)
                        .map(changes -> Optional.of(new RevisionDetail(revision, changes))));
    }

    /**
     * Every change of the objects of that namespace and name (of one kind when the selection names one),
     * newest first, each with the revision that made it.
     */
    @WithSession
    public Uni<List<RevisionDetail>> history(PolicySelection selection) {
        return changes(selection, Long.MAX_VALUE).chain(changes -> {
            if (changes.isEmpty()) {
                return Uni.createFrom().item(List.<RevisionDetail>of());
            }
            List<Long> numbers = changes.stream().map(c -> c.revision).distinct().toList();
            return PolicyRevision.<PolicyRevision>list("revision in ?1", numbers).map(revisions -> {
                Map<Long, PolicyRevision> byNumber = revisions.stream().collect(Collectors.toMap(r -> r.revision, Function.identity()));
                return changes.stream().map(c -> new RevisionDetail(byNumber.get(c.revision), List.of(c))).toList();
            });
        });
    }

    /**
     * The selected objects as they were after {@code revision}: for each kind of that name, its latest change
     * up to that revision, unless that change deleted it.
     */
    @WithSession
    public Uni<List<PolicyChange>> asOf(PolicySelection selection, long revision) {
        return changes(selection, revision).map(changes -> {
            Map<String, PolicyChange> latest = new TreeMap<>();
            // Newest first: the first change seen of each kind is its state at that revision.
            changes.forEach(c -> latest.putIfAbsent(c.kind, c));
            return latest.values().stream().filter(c -> c.action != PolicyChange.Action.deleted).toList();
        });
    }

    /** The changes of the selected objects up to {@code revision}, newest first. */
    private static Uni<List<PolicyChange>> changes(PolicySelection selection, long upTo) {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("namespace", selection.namespace().orElseThrow());
        parameters.put("name", selection.name().orElseThrow());
        parameters.put("upTo", upTo);
        String kind = "";
        if (selection.kind().isPresent()) {
            kind = " and lower(kind) = :kind";
            parameters.put("kind", selection.kind().get().toLowerCase(Locale.ROOT));
        }
        return PolicyChange.list("namespace = :namespace and name = :name and revision <= :upTo" + kind,
                Sort.descending("revision").and("kind"), parameters);
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

    /** A revision's time: PostgreSQL keeps microseconds, so the values hold what the table holds. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
