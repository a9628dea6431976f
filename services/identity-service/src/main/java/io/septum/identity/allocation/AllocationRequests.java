package io.septum.identity.allocation;

import io.septum.identity.api.FieldProblems;
import io.septum.identity.distribution.Outcome;
import io.septum.model.identity.ReservedIdentity;
import io.septum.model.labels.Labels;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Optional;

/**
 * Answers one POST /v1/identities, whichever HTTP path it came by ({@link AllocationRoute} or
 * {@link IdentityResource}): the label texts checked (400 naming each field), filtered to the identity-relevant ones,
 * then a reserved or remembered set answered at once, and any other set allocated in a shared transaction.
 */
@Singleton
public class AllocationRequests {

    private final IdentityAllocator allocator;
    private final AllocationBatcher batcher;
    private final KnownIdentities known;

    public AllocationRequests(IdentityAllocator allocator, AllocationBatcher batcher, KnownIdentities known) {
        this.allocator = allocator;
        this.batcher = batcher;
        this.known = known;
    }

    /** The identity of these label texts (field {@code labels}); throws the ApiException of bad input. */
    Uni<Allocation> allocate(List<String> texts) {
        return Outcome.uni(outcome -> allocate(texts, outcome));
    }

    /**
     * As {@link #allocate(List)}, the outcome handed to {@code outcome}: at once for a reserved or remembered set,
     * when its transaction ends for any other. Bad input is thrown (ApiException), before anything is answered.
     */
    void allocate(List<String> texts, Outcome<Allocation> outcome) {
        FieldProblems problems = new FieldProblems();
        Labels labels = LabelTexts.read("labels", texts, problems);
        problems.throwIfAny();
        Labels relevant = allocator.relevant(labels);
        Optional<ReservedIdentity> reserved = IdentityAllocator.reserved(relevant);
        if (reserved.isPresent()) {
            outcome.answer(new Allocation(Identity.of(reserved.get()), false), null);
            return;
        }
        IdentityLabels set = IdentityLabels.of(relevant);
        Identity remembered = known.get(set.canonical());
        if (remembered != null) {
            outcome.answer(new Allocation(remembered, false), null);
            return;
        }
        batcher.allocate(set, outcome);
    }
}
